/*
 * kzmap in-page filters (part of kzmap, MIT licence).
 *
 * A panel that filters every drawn layer by market, confidence and a range
 * of years, with the number of features each choice keeps. Features carry
 * the escaped properties _kz_m (market label), _kz_c (confidence) and _kz_d
 * (ISO date) written by kzmap.maps.interact. A feature without a value for a
 * filter is kept by it (it cannot be judged). Legend sections of layers with
 * nothing left are hidden; legend rows count the features shown.
 *
 * The sources panel follows too: each citation lists the keys
 * "<layer n>:<_kz_src>" of the features citing it ("<layer n>:*" for a layer's
 * own sources) and is listed only while one of them is shown, on a layer
 * that is switched on.
 */
(function () {
  'use strict';

  var kz = (L.kzmap = L.kzmap || {});

  function leaves(group, out) {
    group.eachLayer(function (l) {
      if (l.feature && l.feature.properties && '_kz_c' in l.feature.properties) out.push([group, l]);
      else if (l.eachLayer) leaves(l, out);
    });
    return out;
  }

  var scratch = document.createElement('textarea');
  function decode(text) {
    // _kz_m is escaped text from Python; the legend shows it unescaped
    if (!text) return '';
    scratch.innerHTML = text;
    return scratch.value;
  }

  kz.Filters = L.Control.extend({
    options: { position: 'topleft', text: {}, groups: [] },

    onAdd: function (map) {
      var t = this.options.text;
      var box = L.DomUtil.create('details', 'kzmap-panel kzmap-filters');
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      L.DomUtil.create('summary', '', box).textContent = t.title;
      this._items = [];
      var self = this;
      this._layers = this.options.groups;
      this.options.groups.forEach(function (entry) {
        leaves(entry[0], []).forEach(function (pair) {
          self._items.push({
            group: pair[0],
            layer: pair[1],
            top: entry[0],
            n: entry[2],
            section: entry[1],
            p: pair[1].feature.properties,
            m: decode(pair[1].feature.properties._kz_m),
          });
        });
      });
      this._known = {};
      this._items.forEach(function (it) {
        if (!it.section) return;
        var known = (self._known[it.section] = self._known[it.section] || {});
        known[it.m || t.other] = true;
      });
      map.on('overlayadd overlayremove', this._follow, this);
      this._state = { m: {}, c: {}, from: '', to: '' };
      this._boxes = { m: {}, c: {} };
      this._fieldset(box, 'm', t.market, t.labels || {});
      this._fieldset(box, 'c', t.confidence, t.labels || {});
      var years = L.DomUtil.create('div', 'kzmap-filter-years', box);
      L.DomUtil.create('span', '', years).textContent = t.years + ' ';
      this._from = this._year(years, 'from');
      years.appendChild(document.createTextNode(' – '));
      this._to = this._year(years, 'to');
      this._count = L.DomUtil.create('div', 'kzmap-filter-count', box);
      this._apply();
      return box;
    },

    _values: function (key) {
      var counts = {};
      this._items.forEach(function (it) {
        var v = it.p['_kz_' + key];
        if (v) counts[v] = (counts[v] || 0) + 1;
      });
      return counts;
    },

    _fieldset: function (box, key, title, labels) {
      var counts = this._values(key);
      var names = Object.keys(counts).sort();
      if (!names.length) return;
      var set = L.DomUtil.create('fieldset', 'kzmap-filter-' + key, box);
      L.DomUtil.create('legend', '', set).textContent = title;
      var self = this;
      names.forEach(function (name) {
        var label = L.DomUtil.create('label', '', set);
        var input = L.DomUtil.create('input', '', label);
        input.type = 'checkbox';
        input.checked = true;
        input.value = name;
        self._state[key][name] = true;
        var span = L.DomUtil.create('span', '', label);
        // names are escaped text from Python; labels come from the message catalog
        span.innerHTML = ' ' + (labels[name] || name) + ' <span class="kzmap-filter-n"></span>';
        self._boxes[key][name] = span.querySelector('.kzmap-filter-n');
        L.DomEvent.on(input, 'change', function () {
          self._state[key][name] = input.checked;
          self._apply();
        });
      });
    },

    _year: function (parent, which) {
      var input = L.DomUtil.create('input', 'kzmap-filter-' + which, parent);
      input.type = 'number';
      input.min = '1990';
      input.max = '2100';
      input.placeholder = which === 'from' ? '1990' : '2100';
      var self = this;
      L.DomEvent.on(input, 'input change', function () {
        self._state[which] = input.value;
        self._apply();
      });
      return input;
    },

    _keeps: function (p, skip) {
      var s = this._state;
      if (skip !== 'm' && p._kz_m && s.m[p._kz_m] === false) return false;
      if (skip !== 'c' && p._kz_c && s.c[p._kz_c] === false) return false;
      var year = p._kz_d ? p._kz_d.slice(0, 4) : '';
      if (year && s.from && year < s.from) return false;
      if (year && s.to && year > s.to) return false;
      return true;
    },

    _apply: function () {
      var self = this;
      var shown = 0;
      var sections = {};
      var counts = { m: {}, c: {} };
      this._items.forEach(function (it) {
        var keep = self._keeps(it.p);
        ['m', 'c'].forEach(function (key) {
          var v = it.p['_kz_' + key];
          if (v && self._keeps(it.p, key)) counts[key][v] = (counts[key][v] || 0) + 1;
        });
        var has = it.group.hasLayer(it.layer);
        if (keep && !has) it.group.addLayer(it.layer);
        if (!keep && has) it.group.removeLayer(it.layer);
        if (keep) shown += 1;
        if (it.section) sections[it.section] = (sections[it.section] || 0) + (keep ? 1 : 0);
      });
      ['m', 'c'].forEach(function (key) {
        Object.keys(self._boxes[key]).forEach(function (name) {
          self._boxes[key][name].textContent = '(' + (counts[key][name] || 0) + ')';
        });
      });
      Object.keys(sections).forEach(function (id) {
        var el = document.getElementById(id);
        if (el) el.classList.toggle('kzmap-filtered-out', sections[id] === 0);
      });
      this._count.textContent = this.options.text.shown + ': ' + shown + ' / ' + this._items.length;
      this._shown = shown;
      this._follow();
      if (this._map) this._map.fire('kzmapfilter', { shown: shown });
    },

    /** Legend counts and the sources panel: what is shown on layers switched on. */
    _follow: function () {
      var map = this._map;
      if (!map) return;
      var self = this;
      var keys = {};
      var rows = {};
      this._layers.forEach(function (entry) {
        if (map.hasLayer(entry[0])) keys[entry[2] + ':*'] = false;
      });
      this._items.forEach(function (it) {
        if (!it.group.hasLayer(it.layer) || !map.hasLayer(it.top)) return;
        keys[it.n + ':' + it.p._kz_src] = true;
        keys[it.n + ':*'] = true;
        if (!it.section) return;
        var row = (rows[it.section] = rows[it.section] || { all: 0 });
        var label = it.m || self.options.text.other;
        row[label] = (row[label] || 0) + 1;
        row.all += 1;
      });
      // a layer on the map without filterable features keeps its own sources
      this._layers.forEach(function (entry) {
        var key = entry[2] + ':*';
        if (keys[key] === false && !self._items.some(function (it) { return it.top === entry[0]; })) keys[key] = true;
      });
      var listed = 0;
      document.querySelectorAll('.kzmap-sources-body > li').forEach(function (li) {
        var own = li.getAttribute('data-kz-src');
        var show = !own || own.split(' ').some(function (k) { return keys[k] === true; });
        li.hidden = !show;
        if (show) listed += 1;
      });
      var n = document.querySelector('.kzmap-sources-n');
      if (n) n.textContent = String(listed);
      this._layers.forEach(function (entry) {
        var section = entry[1] && document.getElementById(entry[1]);
        if (!section) return;
        var counts = rows[entry[1]] || { all: 0 };
        var known = self._known[entry[1]] || {};
        var items = section.querySelectorAll('li');
        items.forEach(function (li) {
          var label = li.querySelector('.kzmap-legend-label');
          if (!label) return;
          var text = label.textContent;
          var count;
          if (known[text]) count = counts[text] || 0;
          else if (items.length === 1) count = counts.all;
          else return; // not a market row (e.g. a choropleth class or a route)
          var badge = li.querySelector('.kzmap-legend-n');
          if (!badge) badge = L.DomUtil.create('span', 'kzmap-legend-n', li);
          badge.textContent = '(' + count + ')';
          li.classList.toggle('kzmap-filtered-out', count === 0);
        });
      });
    },
  });

  kz.filters = function (options) {
    return new kz.Filters(options);
  };
})();
