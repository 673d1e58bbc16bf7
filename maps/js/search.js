/*
 * kzmap search box (part of kzmap, MIT licence).
 *
 * Finds drawn features by any of their names (en/ru/kk, from the escaped
 * _kz_s property written by kzmap.maps.interact), lists up to ten, and on a
 * choice zooms to the feature and opens its popup. Case and the letters ё/е
 * are ignored, so typing Cyrillic or Latin both work.
 *
 * It also finds the towns and districts of kzmap's gazetteer (the base64 zlib
 * JSON block `options.places`, rows [lat, lon, kind, name, names, source], raw text
 * written with textContent only), after the drawn features and without those
 * a drawn feature already names.
 */
(function () {
  'use strict';

  var kz = (L.kzmap = L.kzmap || {});

  function fold(text) {
    return String(text).toLowerCase().replace(/ё/g, 'е');
  }

  function owner(layer) {
    for (var l = layer, n = 0; l && n < 10; n++) {
      if (l._popup) return l;
      var parents = Object.keys(l._eventParents || {});
      l = parents.length ? l._eventParents[parents[0]] : null;
    }
    return null;
  }

  kz.Search = L.Control.extend({
    options: { position: 'topleft', placeholder: '', maxResults: 10 },

    onAdd: function (map) {
      var box = L.DomUtil.create('div', 'kzmap-panel kzmap-search');
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      var input = (this._input = L.DomUtil.create('input', '', box));
      input.type = 'search';
      input.placeholder = this.options.placeholder;
      input.setAttribute('aria-label', this.options.placeholder);
      this._list = L.DomUtil.create('ul', '', box);
      this._entries = [];
      var self = this;
      var seen = {};
      (function walk(group) {
        group.eachLayer(function (l) {
          var p = l.feature && l.feature.properties;
          if (p && p._kz_s) {
            var key = p._kz_tooltip + '|' + L.Util.stamp(owner(l) || l);
            if (!seen[key]) {
              seen[key] = true;
              var text = new DOMParser().parseFromString(p._kz_s, 'text/html').body.textContent;
              self._entries.push({ layer: l, names: fold(text), title: p._kz_tooltip });
            }
          } else if (l.eachLayer) walk(l);
        });
      })({
        // drawn layers and those switched off in the layer control
        eachLayer: function (fn) {
          map.eachLayer(fn);
          (kz.layerControls ? kz.layerControls(map) : []).forEach(function (c) {
            c._layers.forEach(function (e) {
              fn(e.layer);
            });
          });
        },
      });
      L.DomEvent.on(input, 'input', this._update, this);
      this._loadPlaces();
      return box;
    },

    _loadPlaces: function () {
      var block = this.options.places && document.getElementById(this.options.places);
      if (!block || !kz.canInflate || !kz.canInflate()) return;
      var self = this;
      var drawn = {};
      this._entries.forEach(function (e) {
        drawn[fold(new DOMParser().parseFromString(e.title, 'text/html').body.textContent)] = true;
      });
      this.placesReady = kz
        .inflate(kz.bytesFromBase64(block.textContent))
        .then(function (bytes) {
          var data = JSON.parse(new TextDecoder().decode(bytes));
          data.rows.forEach(function (row) {
            if (drawn[fold(row[3])]) return;
            row[5] = data.sources[row[5]] || '';
            self._entries.push({ place: row, names: fold(row[3] + '|' + row[4]) });
          });
          self._placesLoaded = true;
          if (self._input.value) self._update();
        });
    },

    find: function (query) {
      var q = fold(query).trim();
      if (q.length < 2) return [];
      var hits = this._entries.filter(function (e) {
        return e.names.indexOf(q) >= 0;
      });
      // whole-name matches first, then the rest in their order (drawn first)
      var exact = function (e) {
        return e.names.split(' | ').concat(e.names.split('|')).indexOf(q) >= 0 ? 0 : 1;
      };
      return hits
        .map(function (e, i) {
          return [exact(e), i, e];
        })
        .sort(function (a, b) {
          return a[0] - b[0] || a[1] - b[1];
        })
        .map(function (x) {
          return x[2];
        });
    },

    _update: function () {
      var self = this;
      var list = this._list;
      list.innerHTML = '';
      this.find(this._input.value)
        .slice(0, this.options.maxResults)
        .forEach(function (entry) {
          var button = L.DomUtil.create('button', 'kzmap-search-item', L.DomUtil.create('li', '', list));
          button.type = 'button';
          if (entry.place) {
            button.textContent = entry.place[3] + ' ';
            L.DomUtil.create('span', 'kzmap-chooser-layer', button).textContent = self._kind(entry.place[2]);
          } else button.innerHTML = entry.title; // escaped by Python
          L.DomEvent.on(button, 'click', function () {
            self.show(entry);
          });
        });
    },

    _kind: function (code) {
      return this.options[['town', 'city', 'district'][code]] || '';
    },

    show: function (entry) {
      var map = this._map;
      if (entry.place) {
        var row = entry.place;
        map.setView([row[0], row[1]], row[2] === 2 ? 9 : 11, { animate: false });
        var box = L.DomUtil.create('div', 'kzmap-popup kzmap-place');
        L.DomUtil.create('b', '', box).textContent = row[3];
        L.DomUtil.create('div', 'kzmap-market', box).textContent = this._kind(row[2]);
        L.DomUtil.create('div', 'kzmap-meta', box).textContent =
          this.options.gazetteer + (row[5] ? ' · ' + row[5] : '');
        L.popup().setLatLng([row[0], row[1]]).setContent(box).openOn(map);
        return;
      }
      var l = entry.layer;
      var at;
      if (l.getBounds) {
        map.fitBounds(l.getBounds(), { maxZoom: 11, animate: false });
        at = l.getCenter ? l.getCenter() : l.getBounds().getCenter();
      } else {
        at = l.getLatLng();
        map.setView(at, Math.max(map.getZoom(), 9), { animate: false });
      }
      var o = owner(l);
      if (o) {
        if (o !== l) o._popup._source = l;
        o.openPopup(at);
      }
    },
  });

  kz.search = function (options) {
    return new kz.Search(options);
  };
})();
