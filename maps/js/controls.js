/*
 * kzmap map controls (part of kzmap, MIT licence): full screen, distance
 * measurement and a date-range slider. Written for kzmap; they need only
 * Leaflet and standard browser APIs, so pages work offline.
 * Every label arrives already escaped by kzmap.maps.escape.safe_text.
 */
(function () {
  'use strict';

  var kz = (L.kzmap = L.kzmap || {});

  // Small stroked SVG icons (24 x 24 view box).
  var ICONS = {
    fullscreen: 'M4 9V4h5M15 4h5v5M20 15v5h-5M9 20H4v-5',
    measure: 'M3 17L17 3l4 4L7 21zM7 13l2 2M10 10l2 2M13 7l2 2'
  };

  function button(container, title, icon, onClick) {
    var link = L.DomUtil.create('a', 'kzmap-button', container);
    link.href = '#';
    link.title = title;
    link.setAttribute('role', 'button');
    link.setAttribute('aria-label', title);
    link.innerHTML =
      '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="' + ICONS[icon] + '"/></svg>';
    L.DomEvent.disableClickPropagation(link);
    L.DomEvent.on(link, 'click', function (e) {
      L.DomEvent.preventDefault(e);
      onClick();
    });
    return link;
  }

  // ---- full screen ---------------------------------------------------------

  kz.Fullscreen = L.Control.extend({
    options: { position: 'topleft', title: 'Full screen' },

    onAdd: function (map) {
      var container = L.DomUtil.create('div', 'leaflet-bar kzmap-fullscreen');
      this._link = button(container, this.options.title, 'fullscreen', this.toggle.bind(this));
      this._onChange = this._onChange.bind(this);
      document.addEventListener('fullscreenchange', this._onChange);
      document.addEventListener('webkitfullscreenchange', this._onChange);
      return container;
    },

    onRemove: function () {
      document.removeEventListener('fullscreenchange', this._onChange);
      document.removeEventListener('webkitfullscreenchange', this._onChange);
    },

    isFullscreen: function () {
      var element = document.fullscreenElement || document.webkitFullscreenElement;
      var container = this._map.getContainer();
      return element === container || L.DomUtil.hasClass(container, 'kzmap-pseudo-fullscreen');
    },

    // The Fullscreen API where the browser has it; otherwise the map is
    // stretched over the window with CSS.
    toggle: function () {
      var container = this._map.getContainer();
      var request = container.requestFullscreen || container.webkitRequestFullscreen;
      var exit = document.exitFullscreen || document.webkitExitFullscreen;
      if (this.isFullscreen()) {
        if (L.DomUtil.hasClass(container, 'kzmap-pseudo-fullscreen')) {
          L.DomUtil.removeClass(container, 'kzmap-pseudo-fullscreen');
          this._onChange();
        } else {
          exit.call(document);
        }
      } else if (request) {
        var pending = request.call(container);
        if (pending && pending.catch) {
          pending.catch(function () {
            L.DomUtil.addClass(container, 'kzmap-pseudo-fullscreen');
            this._onChange();
          }.bind(this));
        }
      } else {
        L.DomUtil.addClass(container, 'kzmap-pseudo-fullscreen');
        this._onChange();
      }
    },

    _onChange: function () {
      var on = this.isFullscreen();
      L.DomUtil[on ? 'addClass' : 'removeClass'](this._link, 'kzmap-active');
      this._map.invalidateSize();
      this._map.fire(on ? 'kz:fullscreenon' : 'kz:fullscreenoff');
    }
  });

  kz.fullscreen = function (options) {
    return new kz.Fullscreen(options);
  };

  // ---- geodesic distance ---------------------------------------------------

  function radians(degrees) {
    return (degrees * Math.PI) / 180;
  }

  /**
   * Distance in metres between two L.LatLng on the WGS84 ellipsoid, by
   * Vincenty's inverse formula (as kzmap's Python side measures with
   * pyproj.Geod). Nearly antipodal points, where the iteration does not
   * settle, fall back to Leaflet's great-circle distance.
   */
  kz.geodesicMetres = function (p, q) {
    var a = 6378137;
    var f = 1 / 298.257223563;
    var b = a * (1 - f);
    var lonGap = radians(q.lng - p.lng);
    var u1 = Math.atan((1 - f) * Math.tan(radians(p.lat)));
    var u2 = Math.atan((1 - f) * Math.tan(radians(q.lat)));
    var sinU1 = Math.sin(u1);
    var cosU1 = Math.cos(u1);
    var sinU2 = Math.sin(u2);
    var cosU2 = Math.cos(u2);
    var lambda = lonGap;
    var sinSigma, cosSigma, sigma, cosSqAlpha, cos2SigmaM;
    for (var step = 0; step < 200; step++) {
      var sinLambda = Math.sin(lambda);
      var cosLambda = Math.cos(lambda);
      sinSigma = Math.sqrt(
        Math.pow(cosU2 * sinLambda, 2) + Math.pow(cosU1 * sinU2 - sinU1 * cosU2 * cosLambda, 2)
      );
      if (sinSigma === 0) return 0; // same point
      cosSigma = sinU1 * sinU2 + cosU1 * cosU2 * cosLambda;
      sigma = Math.atan2(sinSigma, cosSigma);
      var sinAlpha = (cosU1 * cosU2 * sinLambda) / sinSigma;
      cosSqAlpha = 1 - sinAlpha * sinAlpha;
      cos2SigmaM = cosSqAlpha === 0 ? 0 : cosSigma - (2 * sinU1 * sinU2) / cosSqAlpha;
      var c = (f / 16) * cosSqAlpha * (4 + f * (4 - 3 * cosSqAlpha));
      var previous = lambda;
      lambda =
        lonGap +
        (1 - c) * f * sinAlpha *
          (sigma + c * sinSigma * (cos2SigmaM + c * cosSigma * (2 * cos2SigmaM * cos2SigmaM - 1)));
      if (Math.abs(lambda - previous) < 1e-12) {
        var uSq = (cosSqAlpha * (a * a - b * b)) / (b * b);
        var bigA = 1 + (uSq / 16384) * (4096 + uSq * (-768 + uSq * (320 - 175 * uSq)));
        var bigB = (uSq / 1024) * (256 + uSq * (-128 + uSq * (74 - 47 * uSq)));
        var deltaSigma =
          bigB * sinSigma *
          (cos2SigmaM +
            (bigB / 4) *
              (cosSigma * (2 * cos2SigmaM * cos2SigmaM - 1) -
                (bigB / 6) * cos2SigmaM * (4 * sinSigma * sinSigma - 3) * (4 * cos2SigmaM * cos2SigmaM - 3)));
        return b * bigA * (sigma - deltaSigma);
      }
    }
    return L.latLng(p).distanceTo(q);
  };

  function formatDistance(metres) {
    if (metres < 1000) return Math.round(metres) + ' m';
    return (metres / 1000).toFixed(metres < 100000 ? 1 : 0) + ' km';
  }

  // ---- measure -------------------------------------------------------------

  kz.Measure = L.Control.extend({
    options: { position: 'topleft', title: 'Measure distance', hint: 'Click the map to add points', color: '#1a1a1a' },

    onAdd: function (map) {
      var container = L.DomUtil.create('div', 'kzmap-measure');
      var bar = L.DomUtil.create('div', 'leaflet-bar', container);
      this._link = button(bar, this.options.title, 'measure', this.toggle.bind(this));
      this._readout = L.DomUtil.create('div', 'kzmap-measure-readout', container);
      this._readout.style.display = 'none';
      this._points = [];
      this._group = L.featureGroup();
      this._onClick = this._onClick.bind(this);
      return container;
    },

    onRemove: function () {
      if (this._active) this.toggle();
    },

    /** Total geodesic length of the measured line, in metres. */
    totalMetres: function () {
      var total = 0;
      for (var i = 1; i < this._points.length; i++) {
        total += kz.geodesicMetres(this._points[i - 1], this._points[i]);
      }
      return total;
    },

    addPoint: function (latlng) {
      this._points.push(L.latLng(latlng));
      this._draw();
      return this;
    },

    // On: map clicks add points (and open no popup). Off: the line is cleared.
    toggle: function () {
      var map = this._map;
      var container = map.getContainer();
      this._active = !this._active;
      L.DomUtil[this._active ? 'addClass' : 'removeClass'](this._link, 'kzmap-active');
      L.DomUtil[this._active ? 'addClass' : 'removeClass'](container, 'kzmap-measuring');
      if (this._active) {
        this._zoomOnDoubleClick = map.doubleClickZoom.enabled();
        map.doubleClickZoom.disable();
        container.addEventListener('click', this._onClick, true);
        this._group.addTo(map);
        this._readout.innerHTML = this.options.hint;
        this._readout.style.display = '';
      } else {
        if (this._zoomOnDoubleClick) map.doubleClickZoom.enable();
        container.removeEventListener('click', this._onClick, true);
        this._group.clearLayers().remove();
        this._points = [];
        this._readout.style.display = 'none';
      }
    },

    // Capture phase: runs before Leaflet, so a click on a polygon with a
    // popup still adds a point. Clicks on controls and after drags are left alone.
    _onClick: function (e) {
      var map = this._map;
      var target = e.target;
      if (target.closest && target.closest('.leaflet-control, .leaflet-popup')) return;
      if (map.dragging && map.dragging.moved()) return;
      e.stopPropagation();
      this.addPoint(map.mouseEventToLatLng(e));
    },

    _draw: function () {
      var points = this._points;
      var color = this.options.color;
      this._group.clearLayers();
      if (points.length > 1) {
        L.polyline(points, { color: color, weight: 2, dashArray: '6 4', interactive: false }).addTo(this._group);
      }
      points.forEach(function (p) {
        L.circleMarker(p, { radius: 3, color: color, weight: 1, fillColor: '#fff', fillOpacity: 1, interactive: false }).addTo(this._group);
      }, this);
      var text = formatDistance(this.totalMetres());
      if (points.length > 1) {
        L.tooltip({ permanent: true, direction: 'right', className: 'kzmap-measure-label', interactive: false })
          .setLatLng(points[points.length - 1])
          .setContent(text)
          .addTo(this._group);
      }
      this._readout.innerHTML = points.length > 1 ? text : this.options.hint;
      this._readout.setAttribute('data-kz-metres', String(this.totalMetres()));
    }
  });

  kz.measure = function (options) {
    return new kz.Measure(options);
  };

  // ---- time slider ---------------------------------------------------------

  var DAY_MS = 86400000;

  function isoDay(day) {
    return new Date(day * DAY_MS).toISOString().slice(0, 10);
  }

  /**
   * Two range inputs (from, to) that show only the features of `target`
   * dated within the range. `target` has setTimeRange(first, last) with days
   * since 1970 (null shows everything, undated features included) and,
   * optionally, countInRange().
   */
  kz.TimeSlider = L.Control.extend({
    options: { position: 'bottomleft', title: 'Date', shown: 'shown', min: 0, max: 0 },

    initialize: function (target, options) {
      L.setOptions(this, options);
      this._target = target;
    },

    onAdd: function () {
      var o = this.options;
      var div = L.DomUtil.create('div', 'kzmap-timeslider leaflet-bar');
      L.DomUtil.create('div', 'kzmap-timeslider-title', div).innerHTML = o.title;
      this._from = this._input(div, 'kzmap-timeslider-from', o.min);
      this._to = this._input(div, 'kzmap-timeslider-to', o.max);
      this._label = L.DomUtil.create('div', 'kzmap-timeslider-range', div);
      L.DomEvent.disableClickPropagation(div);
      L.DomEvent.disableScrollPropagation(div);
      this._update();
      if (this._target.whenReady) this._target.whenReady().then(this._update.bind(this, null));
      return div;
    },

    _input: function (parent, className, value) {
      var input = L.DomUtil.create('input', className, parent);
      input.type = 'range';
      input.min = String(this.options.min);
      input.max = String(this.options.max);
      input.step = '1';
      input.value = String(value);
      input.setAttribute('aria-label', className.slice(-4) === 'from' ? 'from' : 'to');
      L.DomEvent.on(input, 'input change', function () {
        this._update(input);
      }, this);
      return input;
    },

    /** Set the range shown, in days since 1970 (clamped to the data's range). */
    setRange: function (first, last) {
      this._from.value = String(first);
      this._to.value = String(last);
      this._update();
      return this;
    },

    _update: function (moved) {
      var first = Number(this._from.value);
      var last = Number(this._to.value);
      if (first > last) {
        // Keep from <= to: the other thumb follows the one being moved.
        if (moved === this._from) this._to.value = String(first);
        else this._from.value = String(last);
        first = last = Number(moved === this._from ? first : last);
      }
      var full = first <= this.options.min && last >= this.options.max;
      if (this._target.setTimeRange) {
        if (full) this._target.setTimeRange(null);
        else this._target.setTimeRange(first, last);
      }
      var text = isoDay(first) + ' \u2013 ' + isoDay(last);
      if (this._target.countInRange) text += ' \u00b7 ' + this._target.countInRange() + ' ' + this.options.shown;
      this._label.textContent = text;
    }
  });

  kz.timeSlider = function (target, options) {
    return new kz.TimeSlider(target, options);
  };
})();
