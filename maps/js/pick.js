/*
 * kzmap click picking (part of kzmap, MIT licence).
 *
 * One click returns every vector feature drawn within a few pixels of it, not
 * only the topmost SVG path: thin or dashed lines get a wide hit area, and a
 * region underneath never wins over a line or point on top of it. One feature
 * opens its own popup; several open a short chooser (name and layer, points
 * and lines first, then areas from the smallest), and choosing an entry opens
 * that feature's popup. Names and layer titles were escaped by Python.
 */
(function () {
  'use strict';

  var kz = (L.kzmap = L.kzmap || {});

  // The layer (or group) whose popup a drawn feature opens, if any.
  function popupOwner(layer) {
    var seen = 0;
    var todo = [layer];
    while (todo.length && seen < 20) {
      var l = todo.shift();
      seen += 1;
      if (l._popup) return l;
      var parents = l._eventParents || {};
      for (var id in parents) todo.push(parents[id]);
    }
    return null;
  }

  function segmentDistance(p, parts) {
    var best = Infinity;
    for (var i = 0; i < parts.length; i++) {
      var ring = parts[i];
      if (ring.length === 1) best = Math.min(best, p.distanceTo(ring[0]));
      for (var j = 1; j < ring.length; j++) {
        best = Math.min(best, L.LineUtil.pointToSegmentDistance(p, ring[j - 1], ring[j]));
      }
    }
    return best;
  }

  function inside(p, parts) {
    var hit = false;
    for (var i = 0; i < parts.length; i++) {
      var ring = parts[i];
      for (var j = 0, k = ring.length - 1; j < ring.length; k = j++) {
        var a = ring[j];
        var b = ring[k];
        if (a.y > p.y !== b.y > p.y && p.x < ((b.x - a.x) * (p.y - a.y)) / (b.y - a.y) + a.x) hit = !hit;
      }
    }
    return hit;
  }

  function closeRings(parts) {
    return parts.map(function (ring) {
      return ring.length > 1 ? ring.concat([ring[0]]) : ring;
    });
  }

  // {kind, distance, size} when layer point p hits the drawn feature, else null.
  function hitOf(layer, p, tolerance) {
    if (layer.options && layer.options.interactive === false) return null;
    if (layer instanceof L.CircleMarker && layer._point) {
      var d = p.distanceTo(layer._point) - (layer._radius || 0);
      return d <= tolerance ? { kind: 0, distance: Math.max(d, 0), size: 0 } : null;
    }
    if (!(layer instanceof L.Polyline) || !layer._parts || !layer._pxBounds) return null;
    var box = layer._pxBounds;
    var reach = tolerance + (layer.options.weight || 0) / 2;
    if (p.x < box.min.x - reach || p.x > box.max.x + reach || p.y < box.min.y - reach || p.y > box.max.y + reach) {
      return null;
    }
    var polygon = layer instanceof L.Polygon;
    var edge = segmentDistance(p, polygon ? closeRings(layer._parts) : layer._parts);
    var size = (box.max.x - box.min.x) * (box.max.y - box.min.y);
    if (polygon && inside(p, layer._parts)) return { kind: 2, distance: 0, size: size };
    if (edge <= reach) return { kind: polygon ? 2 : 1, distance: edge, size: size };
    return null;
  }

  function order(a, b) {
    return a.kind - b.kind || (a.kind === 2 ? a.size - b.size : a.distance - b.distance);
  }

  kz.Pick = L.Class.extend({
    options: {
      tolerance: 7, // px either side of a line, around a point or off an area's edge
      maxEntries: 12,
      heading: 'Features here',
      background: [], // base areas (countries, regions): listed only when nothing else is hit
    },

    initialize: function (map, options) {
      L.setOptions(this, options);
      this._map = map;
      map.kzmapPick = this;
      this._onClick = this._onClick.bind(this);
      map.getContainer().addEventListener('click', this._onClick, true);
    },

    // Every feature with a popup within tolerance of container point cp.
    hitsAt: function (cp) {
      var map = this._map;
      var p = map.containerPointToLayerPoint(cp);
      var found = [];
      var seen = {};
      var tolerance = this.options.tolerance;
      map.eachLayer(function (layer) {
        var hit = hitOf(layer, p, tolerance);
        if (!hit) return;
        var owner = popupOwner(layer);
        if (!owner) return;
        hit.layer = layer;
        hit.owner = owner;
        hit.title = this._title(layer);
        var key = L.Util.stamp(owner) + '|' + hit.title;
        if (seen[key] !== undefined) {
          var old = found[seen[key]];
          if (order(hit, old) < 0) found[seen[key]] = hit;
          return;
        }
        seen[key] = found.length;
        found.push(hit);
      }, this);
      return this._keep(found).sort(order);
    },

    _keep: function (found) {
      var background = this.options.background;
      var isBackground = function (h) {
        for (var id in h.layer._eventParents || {}) {
          if (background.indexOf(h.layer._eventParents[id]) >= 0) return true;
        }
        return false;
      };
      var fore = found.filter(function (h) {
        return !isBackground(h);
      });
      return fore.length ? fore : found;
    },

    _title: function (layer) {
      var props = (layer.feature && layer.feature.properties) || {};
      if (props._kz_tooltip) return String(props._kz_tooltip);
      var tip = layer.getTooltip && layer.getTooltip();
      var content = tip && tip.getContent && tip.getContent();
      return typeof content === 'string' ? content : '';
    },

    // The layer control's (escaped) name of the group a feature belongs to.
    _layerName: function (layer) {
      var controls = kz.layerControls ? kz.layerControls(this._map) : [];
      var todo = [layer];
      var seen = 0;
      while (todo.length && seen < 20) {
        var l = todo.shift();
        seen += 1;
        for (var c = 0; c < controls.length; c++) {
          var entries = controls[c]._layers || [];
          for (var i = 0; i < entries.length; i++) {
            if (entries[i].layer === l) return entries[i].name;
          }
        }
        var parents = l._eventParents || {};
        for (var id in parents) todo.push(parents[id]);
      }
      return '';
    },

    open: function (hit, latlng) {
      var popup = hit.owner._popup;
      if (hit.owner !== hit.layer) popup._source = hit.layer;
      hit.owner.openPopup(latlng);
    },

    _onClick: function (e) {
      var map = this._map;
      if (e.cancelBubble || e.button) return;
      var target = e.target;
      if (target.closest && target.closest('.leaflet-control, .leaflet-popup, .leaflet-marker-icon')) return;
      if (L.DomUtil.hasClass(map.getContainer(), 'kzmap-measuring')) return;
      if (map.dragging && map.dragging.moved()) return;
      var cp = map.mouseEventToContainerPoint(e);
      var hits = this.hitsAt(cp);
      if (!hits.length) return;
      e.stopPropagation();
      var latlng = map.containerPointToLatLng(cp);
      if (hits.length === 1) {
        this.open(hits[0], latlng);
        return;
      }
      this._choose(hits.slice(0, this.options.maxEntries), latlng);
    },

    _choose: function (hits, latlng) {
      var self = this;
      var box = L.DomUtil.create('div', 'kzmap-chooser');
      L.DomUtil.create('div', 'kzmap-chooser-head', box).textContent = this.options.heading;
      var list = L.DomUtil.create('ul', '', box);
      hits.forEach(function (hit) {
        var item = L.DomUtil.create('li', '', list);
        var button = L.DomUtil.create('button', 'kzmap-chooser-item', item);
        button.type = 'button';
        // both texts were escaped by kzmap.maps.escape.safe_text in Python
        button.innerHTML =
          '<span class="kzmap-chooser-title">' + (hit.title || '?') + '</span>' +
          ' <span class="kzmap-chooser-layer">' + self._layerName(hit.layer) + '</span>';
        L.DomEvent.on(button, 'click', function (ev) {
          L.DomEvent.stop(ev);
          self.open(hit, latlng);
        });
      });
      L.popup({ maxWidth: 360, className: 'kzmap-chooser-popup' }).setLatLng(latlng).setContent(box).openOn(this._map);
    },
  });

  // The layer controls of `map`: folium declares them with `let`, so they are
  // not on `window`; every control made after this script is remembered.
  var controls = (kz._layerControls = kz._layerControls || []);
  L.Control.Layers.addInitHook(function () {
    controls.push(this);
  });
  kz.layerControls = function (map) {
    return controls.filter(function (c) {
      return c._map === map;
    });
  };

  // The scale bar's units in the page's language (set by the page script).
  kz.units = kz.units || { m: 'm', km: 'km' };
  L.Control.Scale.include({
    _updateMetric: function (maxMeters) {
      var meters = this._getRoundNum(maxMeters);
      var label = meters < 1000 ? meters + ' ' + kz.units.m : meters / 1000 + ' ' + kz.units.km;
      this._updateScale(this._mScale, label, meters / maxMeters);
    },
  });

  kz.pick = function (map, options) {
    return new kz.Pick(map, options);
  };
})();
