/*
 * kzmap heat layer (part of kzmap, MIT licence).
 *
 * Draws point density on one canvas: each point adds a soft disc of alpha to
 * a grey canvas, and the sum is coloured through a yellow-to-red ramp. Works
 * offline; the points are a flat [lat, lon, lat, lon, ...] array. With the
 * option `days` (a flat [first, last, ...] array of days since 1970, -1 for
 * undated) the time slider can limit the points drawn to a range of dates.
 */
(function () {
  'use strict';

  var kz = (L.kzmap = L.kzmap || {});

  function ramp() {
    var c = document.createElement('canvas');
    c.width = 256;
    c.height = 1;
    var g = c.getContext('2d');
    var grad = g.createLinearGradient(0, 0, 256, 0);
    grad.addColorStop(0.0, 'rgba(255,255,178,0)');
    grad.addColorStop(0.25, '#fecc5c');
    grad.addColorStop(0.55, '#fd8d3c');
    grad.addColorStop(0.8, '#f03b20');
    grad.addColorStop(1.0, '#bd0026');
    g.fillStyle = grad;
    g.fillRect(0, 0, 256, 1);
    return g.getImageData(0, 0, 256, 1).data;
  }

  kz.Heat = L.Layer.extend({
    options: { radius: 18, opacity: 0.75, pane: 'overlayPane' },

    initialize: function (points, options) {
      L.setOptions(this, options);
      this._points = points;
    },

    /** Draw only points dated within [first, last] days since 1970; null draws all. */
    setTimeRange: function (first, last) {
      this._range = first === null || first === undefined ? null : [first, last];
      if (this._map) this._draw();
      this.fire('kz:filtered', { shown: this.countInRange() });
      return this;
    },

    /** Number of points the current time range lets through. */
    countInRange: function () {
      var n = this._points.length / 2;
      if (!this._range) return n;
      var count = 0;
      for (var i = 0; i < n; i++) if (this._inRange(i)) count++;
      return count;
    },

    _inRange: function (i) {
      var range = this._range;
      var days = this.options.days;
      if (!range || !days) return true;
      var first = days[2 * i];
      if (first < 0) return false;
      return first <= range[1] && days[2 * i + 1] >= range[0];
    },

    onAdd: function (map) {
      this._canvas = L.DomUtil.create('canvas', 'kzmap-heat leaflet-zoom-hide');
      this._canvas.style.pointerEvents = 'none';
      this._canvas.style.opacity = this.options.opacity;
      this.getPane().appendChild(this._canvas);
      map.on('moveend zoomend resize', this._draw, this);
      this._draw();
    },

    onRemove: function (map) {
      map.off('moveend zoomend resize', this._draw, this);
      L.DomUtil.remove(this._canvas);
    },

    _draw: function () {
      var map = this._map;
      var size = map.getSize();
      var canvas = this._canvas;
      canvas.width = size.x;
      canvas.height = size.y;
      L.DomUtil.setPosition(canvas, map.containerPointToLayerPoint([0, 0]));
      var g = canvas.getContext('2d');
      var r = this.options.radius;
      var pts = this._points;
      var drawn = 0;
      for (var i = 0; i < pts.length; i += 2) {
        if (this._range && !this._inRange(i / 2)) continue;
        var p = map.latLngToContainerPoint([pts[i], pts[i + 1]]);
        if (p.x < -r || p.y < -r || p.x > size.x + r || p.y > size.y + r) continue;
        var grad = g.createRadialGradient(p.x, p.y, 0, p.x, p.y, r);
        grad.addColorStop(0, 'rgba(0,0,0,0.35)');
        grad.addColorStop(1, 'rgba(0,0,0,0)');
        g.fillStyle = grad;
        g.fillRect(p.x - r, p.y - r, 2 * r, 2 * r);
        drawn += 1;
      }
      canvas.setAttribute('data-kz-heat-points', String(drawn));
      if (!drawn) return;
      var image = g.getImageData(0, 0, size.x, size.y);
      var d = image.data;
      var colours = this._ramp || (this._ramp = ramp());
      for (var k = 3; k < d.length; k += 4) {
        var a = d[k];
        if (!a) continue;
        var j = a * 4;
        d[k - 3] = colours[j];
        d[k - 2] = colours[j + 1];
        d[k - 1] = colours[j + 2];
        d[k] = Math.min(255, a * 1.6);
      }
      g.putImageData(image, 0, 0);
      canvas.setAttribute('data-kz-heat-points', String(drawn));
    },
  });

  kz.heat = function (points, options) {
    return new kz.Heat(points, options);
  };
})();
