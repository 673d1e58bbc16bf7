/*
 * kzmap in-page filters (part of kzmap, MIT licence).
 *
 * A panel that filters every drawn layer by market, confidence and a range
 * of years, with the number of features each choice keeps. Features carry
 * the escaped properties _kz_m (market label), _kz_c (confidence) and _kz_d
 * (ISO date) written by kzmap.maps.interact. A feature without a value for a
 * filter is kept by it (it cannot be judged). Legend sections of layers with
 * nothing left are hidden.
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
      this.options.groups.forEach(function (entry) {
        leaves(entry[0], []).forEach(function (pair) {
          self._items.push({ group: pair[0], layer: pair[1], section: entry[1], p: pair[1].feature.properties });
        });
      });
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
      if (this._map) this._map.fire('kzmapfilter', { shown: shown });
    },
  });

  kz.filters = function (options) {
    return new kz.Filters(options);
  };
})();
