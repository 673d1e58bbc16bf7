/*
 * kzmap points layer (part of kzmap, MIT licence).
 *
 * Draws many points on one canvas from the compact form written by
 * kzmap.maps.points: base64 of a zlib stream holding a JSON header and
 * columns of unsigned integers stored as byte planes. Dense points are grouped
 * into count bubbles at low zoom; clicking a point opens a popup made from
 * text that Python already escaped, so no raw data reaches innerHTML.
 */
(function () {
  'use strict';

  var kz = (L.kzmap = L.kzmap || {});

  // ---- decoding ----------------------------------------------------------

  // Shared with the compact vector layers (compact.js, inlined first).
  var bytesFromBase64 = kz.bytesFromBase64;
  var inflate = kz.inflate;

  // Column of n unsigned ints stored as `width` byte planes (low bytes first).
  function readColumn(bytes, start, n, width, delta) {
    var out = new Uint32Array(n);
    for (var b = 0; b < width; b++) {
      var base = start + b * n;
      var shift = 8 * b;
      for (var i = 0; i < n; i++) out[i] |= bytes[base + i] << shift;
    }
    if (delta) {
      for (var j = 1; j < n; j++) out[j] += out[j - 1];
    }
    return out;
  }

  function parse(bytes) {
    var headerLength = new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, true);
    var header = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + headerLength)));
    var start = 4 + headerLength;
    var columns = {};
    Object.keys(header.arrays).forEach(function (name) {
      var spec = header.arrays[name]; // [offset, width, "raw" | "delta"]
      columns[name] = readColumn(bytes, start + spec[0], header.n, spec[1], spec[2] === 'delta');
    });
    return { header: header, columns: columns };
  }

  kz.decodePoints = function (base64) {
    return inflate(bytesFromBase64(base64)).then(parse);
  };

  // ---- geodesy-free helpers ----------------------------------------------

  var UNDATED = 0xffffffff;

  function formatCount(count) {
    if (count < 1000) return String(count);
    if (count < 10000) return (count / 1000).toFixed(1) + 'k';
    return Math.round(count / 1000) + 'k';
  }

  // ---- the layer ---------------------------------------------------------

  kz.Points = L.Layer.extend({
    options: {
      pane: 'kzmapPoints',
      radius: 4,
      cluster: true,
      clusterCell: 60, // px: size of the grid cells points are grouped in
      clusterMin: 10, // a cell with at least this many points becomes a bubble
      clusterMaxZoom: 12, // from this zoom on every point is drawn
      padding: 0.2, // canvas overlap beyond the view, as a share of its size
      hitTolerance: 3 // px added to the radius when clicking
    },

    initialize: function (options, base64) {
      L.setOptions(this, options);
      this._range = null; // [first day, last day] shown, or null for all
      this._loaded = kz.decodePoints(base64).then(this._setData.bind(this), this._fail.bind(this));
    },

    whenReady: function () {
      return this._loaded;
    },

    _setData: function (data) {
      var h = data.header;
      var c = data.columns;
      this._header = h;
      this._columns = c;
      var n = h.n;
      var lon = new Float64Array(n);
      var lat = new Float64Array(n);
      for (var i = 0; i < n; i++) {
        lon[i] = (h.x0 + c.x[i]) / h.scale;
        lat[i] = (h.y0 + c.y[i]) / h.scale;
      }
      this._lon = lon;
      this._lat = lat;
      var colorCodes = h.color.array ? c[h.color.array] : null;
      var colorIndex = new Uint8Array(n);
      if (colorCodes) {
        for (var k = 0; k < n; k++) colorIndex[k] = h.color.map[colorCodes[k]];
      }
      this._colorIndex = colorIndex;
      this._projected = null;
      if (this._map) {
        this._addLegend();
        this._redraw();
      }
      return this;
    },

    _fail: function (error) {
      this._error = error;
      var message =
        'kzmap: this browser cannot unpack the point layer (it needs ' +
        'DecompressionStream: Chrome 80+, Firefox 113+, Safari 16.4+).';
      if (window.console) console.warn(message, error);
      if (this._canvas) this._canvas.setAttribute('data-kz-error', String(error));
    },

    // Project every point once per CRS; screen pixels are then an affine map.
    _project: function () {
      var crs = this._map.options.crs;
      var n = this._header.n;
      var px = new Float64Array(n);
      var py = new Float64Array(n);
      for (var i = 0; i < n; i++) {
        var p = crs.projection.project(L.latLng(this._lat[i], this._lon[i]));
        px[i] = p.x;
        py[i] = p.y;
      }
      var t0 = crs.transformation.transform(L.point(0, 0), 1);
      var t1 = crs.transformation.transform(L.point(1, 1), 1);
      this._affine = [t1.x - t0.x, t0.x, t1.y - t0.y, t0.y];
      this._px = px;
      this._py = py;
      this._projected = crs;
    },

    onAdd: function (map) {
      if (!map.getPane(this.options.pane)) {
        var pane = map.createPane(this.options.pane);
        pane.style.zIndex = 450; // above vector layers, below markers and popups
        pane.style.pointerEvents = 'none';
      }
      var canvas = (this._canvas = L.DomUtil.create('canvas', 'kzmap-points leaflet-zoom-animated'));
      this.getPane().appendChild(canvas);
      this._ctx = canvas.getContext('2d');
      var container = map.getContainer();
      this._onClickCapture = this._onClickCapture.bind(this);
      this._onMoveCapture = this._onMoveCapture.bind(this);
      container.addEventListener('click', this._onClickCapture, true);
      container.addEventListener('mousemove', this._onMoveCapture, true);
      if (this._header) {
        this._addLegend();
        this._redraw();
      }
    },

    onRemove: function (map) {
      var container = map.getContainer();
      container.removeEventListener('click', this._onClickCapture, true);
      container.removeEventListener('mousemove', this._onMoveCapture, true);
      L.DomUtil.removeClass(container, 'kzmap-points-hover');
      if (this._tooltip) map.closeTooltip(this._tooltip);
      L.DomUtil.remove(this._canvas);
      if (this._legend) this._legend.remove();
      this._legend = null;
    },

    getEvents: function () {
      var events = { moveend: this._redraw, resize: this._redraw, viewreset: this._redraw };
      if (this._zoomAnimated) events.zoomanim = this._animateZoom;
      return events;
    },

    // Scale the last drawing during Leaflet's zoom animation, as its own
    // renderers do, until `moveend` redraws it.
    _animateZoom: function (e) {
      if (!this._drawnBounds) return;
      var scale = this._map.getZoomScale(e.zoom);
      var offset = this._map._latLngBoundsToNewLayerBounds(this._drawnBounds, e.zoom, e.center).min;
      L.DomUtil.setTransform(this._canvas, offset, scale);
    },

    // ---- public API ----

    /** Show only points dated within [first, last] days since 1970; null shows all. */
    setTimeRange: function (first, last) {
      this._range = first === null || first === undefined ? null : [first, last];
      this._redraw();
      this.fire('kz:filtered', { shown: this.countInRange() });
      return this;
    },

    /** Number of points the current time range lets through. */
    countInRange: function () {
      if (!this._header) return 0;
      if (!this._range) return this._header.n;
      var count = 0;
      for (var i = 0; i < this._header.n; i++) if (this._inRange(i)) count++;
      return count;
    },

    timeExtent: function () {
      return this._header ? this._header.time || null : null;
    },

    _inRange: function (i) {
      var range = this._range;
      if (!range) return true;
      var start = this._columns.t0[i];
      if (start === UNDATED) return false;
      var first = this._header.time.min + start;
      return first <= range[1] && first + this._columns.t1[i] >= range[0];
    },

    // ---- drawing ----

    _redraw: function () {
      if (!this._map || !this._header || !this._canvas) return;
      if (this._projected !== this._map.options.crs) this._project();
      var map = this._map;
      var size = map.getSize();
      var pad = size.multiplyBy(this.options.padding).round();
      var topLeft = map.containerPointToLayerPoint(pad.multiplyBy(-1));
      var width = size.x + 2 * pad.x;
      var height = size.y + 2 * pad.y;
      var ratio = window.devicePixelRatio || 1;
      var canvas = this._canvas;
      L.DomUtil.setPosition(canvas, topLeft);
      canvas.width = Math.round(width * ratio);
      canvas.height = Math.round(height * ratio);
      canvas.style.width = width + 'px';
      canvas.style.height = height + 'px';
      this._topLeft = topLeft;
      this._size = L.point(width, height);
      this._drawnBounds = L.latLngBounds(
        map.layerPointToLatLng(topLeft),
        map.layerPointToLatLng(topLeft.add([width, height]))
      );
      var ctx = this._ctx;
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      ctx.clearRect(0, 0, width, height);
      var origin = map.getPixelOrigin();
      var view = this._collect(map.getZoom(), origin.x + topLeft.x, origin.y + topLeft.y, width, height);
      this._drawSingles(ctx, view);
      this._drawBubbles(ctx, view);
      this._view = view;
      canvas.setAttribute('data-kz-points', String(view.singles.length));
      canvas.setAttribute('data-kz-bubbles', String(view.bubbles.length));
      if (!canvas.hasAttribute('data-kz-first-drawn-ms')) {
        canvas.setAttribute('data-kz-first-drawn-ms', String(Math.round(performance.now())));
      }
      this.fire('kz:drawn');
    },

    // Screen position of every point in view; dense grid cells become bubbles.
    _collect: function (zoom, offsetX, offsetY, width, height) {
      var o = this.options;
      var scale = this._map.options.crs.scale(zoom);
      var a = this._affine;
      var n = this._header.n;
      var margin = o.cluster ? o.clusterCell : o.radius + 2;
      var xs = new Float32Array(n);
      var ys = new Float32Array(n);
      var inView = new Int32Array(n);
      var count = 0;
      var timed = this._range !== null;
      for (var i = 0; i < n; i++) {
        if (timed && !this._inRange(i)) continue;
        var x = scale * (a[0] * this._px[i] + a[1]) - offsetX;
        var y = scale * (a[2] * this._py[i] + a[3]) - offsetY;
        if (x < -margin || y < -margin || x > width + margin || y > height + margin) continue;
        xs[count] = x;
        ys[count] = y;
        inView[count++] = i;
      }
      var clustering = o.cluster && zoom < o.clusterMaxZoom;
      return clustering
        ? this._cluster(xs, ys, inView, count, offsetX, offsetY, width, height)
        : { singles: this._singles(xs, ys, inView, count, width, height), bubbles: [] };
    },

    _singles: function (xs, ys, inView, count, width, height) {
      var r = this.options.radius;
      var list = [];
      for (var k = 0; k < count; k++) {
        if (xs[k] < -r || ys[k] < -r || xs[k] > width + r || ys[k] > height + r) continue;
        list.push(k);
      }
      var singles = new Int32Array(list.length);
      var sx = new Float32Array(list.length);
      var sy = new Float32Array(list.length);
      for (var j = 0; j < list.length; j++) {
        singles[j] = inView[list[j]];
        sx[j] = xs[list[j]];
        sy[j] = ys[list[j]];
      }
      return { index: singles, x: sx, y: sy, length: list.length };
    },

    // Grid cells aligned to world pixels, so panning does not regroup points.
    _cluster: function (xs, ys, inView, count, offsetX, offsetY, width, height) {
      var cell = this.options.clusterCell;
      var col0 = Math.floor((offsetX - cell) / cell);
      var row0 = Math.floor((offsetY - cell) / cell);
      var cols = Math.ceil((width + 2 * cell) / cell) + 2;
      var rows = Math.ceil((height + 2 * cell) / cell) + 2;
      var cellOf = new Int32Array(count);
      var members = new Int32Array(cols * rows);
      for (var k = 0; k < count; k++) {
        var c = Math.floor((xs[k] + offsetX) / cell) - col0;
        var r = Math.floor((ys[k] + offsetY) / cell) - row0;
        cellOf[k] = r * cols + c;
        members[cellOf[k]]++;
      }
      var bubbleOf = new Int32Array(cols * rows).fill(-1);
      var bubbles = [];
      var ncolors = this._header.color.colors.length;
      var single = [];
      for (var m = 0; m < count; m++) {
        var id = cellOf[m];
        if (members[id] < this.options.clusterMin) {
          single.push(m);
          continue;
        }
        if (bubbleOf[id] < 0) {
          bubbleOf[id] = bubbles.length;
          bubbles.push({ count: 0, x: 0, y: 0, minX: Infinity, minY: Infinity, maxX: -Infinity, maxY: -Infinity, byColor: new Int32Array(ncolors) });
        }
        var b = bubbles[bubbleOf[id]];
        b.count++;
        b.x += xs[m];
        b.y += ys[m];
        b.minX = Math.min(b.minX, xs[m]);
        b.maxX = Math.max(b.maxX, xs[m]);
        b.minY = Math.min(b.minY, ys[m]);
        b.maxY = Math.max(b.maxY, ys[m]);
        b.byColor[this._colorIndex[inView[m]]]++;
      }
      bubbles.forEach(function (bubble) {
        bubble.x /= bubble.count;
        bubble.y /= bubble.count;
        bubble.r = 12 + 4 * Math.log10(bubble.count);
      });
      var sx = new Float32Array(single.length);
      var sy = new Float32Array(single.length);
      var si = new Int32Array(single.length);
      for (var s = 0; s < single.length; s++) {
        sx[s] = xs[single[s]];
        sy[s] = ys[single[s]];
        si[s] = inView[single[s]];
      }
      var visible = bubbles.filter(function (bubble) {
        return bubble.x > -bubble.r && bubble.y > -bubble.r && bubble.x < width + bubble.r && bubble.y < height + bubble.r;
      });
      return { singles: { index: si, x: sx, y: sy, length: single.length }, bubbles: visible };
    },

    _drawSingles: function (ctx, view) {
      var singles = view.singles;
      var colors = this._header.color.colors;
      var r = this.options.radius;
      ctx.lineWidth = 1;
      ctx.strokeStyle = 'rgba(255,255,255,0.9)';
      for (var c = 0; c < colors.length; c++) {
        ctx.beginPath();
        var any = false;
        for (var k = 0; k < singles.length; k++) {
          if (this._colorIndex[singles.index[k]] !== c) continue;
          ctx.moveTo(singles.x[k] + r, singles.y[k]);
          ctx.arc(singles.x[k], singles.y[k], r, 0, 2 * Math.PI);
          any = true;
        }
        if (!any) continue;
        ctx.fillStyle = colors[c];
        ctx.fill();
        ctx.stroke();
      }
      if (this._columns.approx) this._drawApproximate(ctx, singles, colors, r);
      this._buildHitGrid(singles);
    },

    // Geocoded to a district, region or country only: a dashed ring around a
    // pale dot, so an area-level record never looks like a located one.
    _drawApproximate: function (ctx, singles, colors, r) {
      ctx.save();
      ctx.setLineDash([3, 2]);
      ctx.lineWidth = 2;
      for (var k = 0; k < singles.length; k++) {
        var i = singles.index[k];
        if (!this._columns.approx[i]) continue;
        ctx.beginPath();
        ctx.arc(singles.x[k], singles.y[k], r * 2.2, 0, 2 * Math.PI);
        ctx.fillStyle = 'rgba(255,255,255,0.35)';
        ctx.fill();
        ctx.strokeStyle = colors[this._colorIndex[i]];
        ctx.stroke();
      }
      ctx.restore();
    },

    _drawBubbles: function (ctx, view) {
      var colors = this._header.color.colors;
      ctx.textAlign = 'center';
      ctx.textBaseline = 'middle';
      ctx.font = 'bold 11px sans-serif';
      view.bubbles.forEach(function (b) {
        // Ring split by the share of each colour, then a white disc with the count.
        var angle = -Math.PI / 2;
        for (var c = 0; c < colors.length; c++) {
          if (!b.byColor[c]) continue;
          var sweep = (2 * Math.PI * b.byColor[c]) / b.count;
          ctx.beginPath();
          ctx.moveTo(b.x, b.y);
          ctx.arc(b.x, b.y, b.r, angle, angle + sweep);
          ctx.closePath();
          ctx.fillStyle = colors[c];
          ctx.fill();
          angle += sweep;
        }
        ctx.beginPath();
        ctx.arc(b.x, b.y, b.r - 4, 0, 2 * Math.PI);
        ctx.fillStyle = 'rgba(255,255,255,0.92)';
        ctx.fill();
        ctx.fillStyle = '#222';
        ctx.fillText(formatCount(b.count), b.x, b.y);
      });
    },

    // Bucket the drawn points by 16 px cells (a counting sort) for hit tests.
    _buildHitGrid: function (singles) {
      var size = 16;
      var cols = Math.ceil(this._size.x / size) + 1;
      var rows = Math.ceil(this._size.y / size) + 1;
      var start = new Int32Array(cols * rows + 1);
      var cellOf = new Int32Array(singles.length);
      for (var k = 0; k < singles.length; k++) {
        var c = Math.min(cols - 1, Math.max(0, Math.floor(singles.x[k] / size)));
        var r = Math.min(rows - 1, Math.max(0, Math.floor(singles.y[k] / size)));
        cellOf[k] = r * cols + c;
        start[cellOf[k] + 1]++;
      }
      for (var i = 0; i < cols * rows; i++) start[i + 1] += start[i];
      var fill = start.slice(0, cols * rows);
      var order = new Int32Array(singles.length);
      for (var m = 0; m < singles.length; m++) order[fill[cellOf[m]]++] = m;
      this._hit = { size: size, cols: cols, rows: rows, start: start, order: order, singles: singles };
    },

    // Drawn points within `tolerance` px of canvas point (x, y), nearest first.
    _pointsAt: function (x, y) {
      var hit = this._hit;
      if (!hit) return [];
      var reach = this.options.radius + this.options.hitTolerance;
      var found = [];
      var c0 = Math.floor((x - reach) / hit.size);
      var c1 = Math.floor((x + reach) / hit.size);
      var r0 = Math.floor((y - reach) / hit.size);
      var r1 = Math.floor((y + reach) / hit.size);
      for (var r = Math.max(0, r0); r <= Math.min(hit.rows - 1, r1); r++) {
        for (var c = Math.max(0, c0); c <= Math.min(hit.cols - 1, c1); c++) {
          var cell = r * hit.cols + c;
          for (var j = hit.start[cell]; j < hit.start[cell + 1]; j++) {
            var k = hit.order[j];
            var d = Math.hypot(hit.singles.x[k] - x, hit.singles.y[k] - y);
            if (d <= reach) found.push([d, hit.singles.index[k]]);
          }
        }
      }
      found.sort(function (p, q) {
        return p[0] - q[0] || p[1] - q[1];
      });
      return found.map(function (pair) {
        return pair[1];
      });
    },

    _bubbleAt: function (x, y) {
      var bubbles = this._view ? this._view.bubbles : [];
      for (var i = bubbles.length - 1; i >= 0; i--) {
        if (Math.hypot(bubbles[i].x - x, bubbles[i].y - y) <= bubbles[i].r) return bubbles[i];
      }
      return null;
    },

    // ---- interaction ----

    // Canvas coordinates of a mouse event, or null when it is not over the map
    // itself (controls, popups) or the map is being dragged or measured.
    _canvasPoint: function (e) {
      var map = this._map;
      if (!map || !this._topLeft) return null;
      var target = e.target;
      var onMap = target === map.getContainer() || map.getPane('mapPane').contains(target);
      if (!onMap || (target.closest && target.closest('.leaflet-popup, .leaflet-control'))) return null;
      if (L.DomUtil.hasClass(map.getContainer(), 'kzmap-measuring')) return null;
      var layerPoint = map.containerPointToLayerPoint(map.mouseEventToContainerPoint(e));
      return layerPoint.subtract(this._topLeft);
    },

    _onMoveCapture: function (e) {
      if (this._moveQueued) return;
      this._moveQueued = true;
      var self = this;
      L.Util.requestAnimFrame(function () {
        self._moveQueued = false;
        if (!self._map) return;
        var p = self._canvasPoint(e);
        var hits = p === null ? [] : self._pointsAt(p.x, p.y);
        var over = hits.length > 0 || (p !== null && self._bubbleAt(p.x, p.y) !== null);
        L.DomUtil[over ? 'addClass' : 'removeClass'](self._map.getContainer(), 'kzmap-points-hover');
        self._showName(hits);
      });
    },

    // A tooltip with the name of the point under the mouse (escaped text).
    _showName: function (hits) {
      var h = this._header;
      var text = hits.length && h.title ? h.title[this._columns.title[hits[0]]] : '';
      if (hits.length > 1 && text) text += ' (+' + (hits.length - 1) + ')';
      if (!text) {
        if (this._tooltip) this._map.closeTooltip(this._tooltip);
        return;
      }
      if (!this._tooltip) this._tooltip = L.tooltip({ direction: 'top', offset: [0, -this.options.radius], className: 'kzmap-points-tooltip' });
      this._tooltip.setLatLng([this._lat[hits[0]], this._lon[hits[0]]]).setContent(text);
      if (!this._map.hasLayer(this._tooltip)) this._map.openTooltip(this._tooltip);
    },

    // Runs before Leaflet's own click handling (capture phase), so a click on
    // a point wins over the polygon underneath it.
    _onClickCapture: function (e) {
      var map = this._map;
      if (map.dragging && map.dragging.moved()) return;
      var p = this._canvasPoint(e);
      if (p === null) return;
      var bubble = this._bubbleAt(p.x, p.y);
      if (bubble) {
        e.stopPropagation();
        this._zoomInto(bubble);
        return;
      }
      var hits = this._pointsAt(p.x, p.y);
      if (!hits.length) return;
      e.stopPropagation();
      var first = hits[0];
      L.popup({ maxWidth: 360, className: 'kzmap-points-popup' })
        .setLatLng([this._lat[first], this._lon[first]])
        .setContent(this.popupHtml(hits))
        .openOn(map);
    },

    _zoomInto: function (bubble) {
      var map = this._map;
      var tl = this._topLeft;
      var bounds = L.latLngBounds(
        map.layerPointToLatLng(tl.add([bubble.minX, bubble.minY])),
        map.layerPointToLatLng(tl.add([bubble.maxX, bubble.maxY]))
      );
      var zoom = Math.max(map.getBoundsZoom(bounds, false, L.point(40, 40)), map.getZoom() + 1);
      map.setView(bounds.getCenter(), Math.min(zoom, map.getMaxZoom()));
    },

    /** Popup HTML for points `indices` (at most five listed), from escaped text. */
    popupHtml: function (indices) {
      var parts = [];
      var shown = indices.slice(0, 5);
      for (var i = 0; i < shown.length; i++) parts.push(this._entryHtml(shown[i]));
      var html = parts.join('<hr class="kzmap-popup-sep">');
      if (indices.length > shown.length) {
        html += '<div class="kzmap-popup-more">+' + (indices.length - shown.length) + '</div>';
      }
      return html;
    },

    _entryHtml: function (i) {
      var h = this._header;
      var c = this._columns;
      var html = '<div class="kzmap-popup">';
      if (h.title && h.title[c.title[i]]) html += '<b>' + h.title[c.title[i]] + '</b>';
      for (var f = 0; f < h.fields.length; f++) {
        var value = h.fields[f].values[c['f' + f][i]];
        if (!value) continue;
        var label = h.fields[f].label;
        html += '<div>' + (label ? '<i>' + label + ':</i> ' : '') + value + '</div>';
      }
      return html + '</div>';
    },

    // ---- legend ----

    _addLegend: function () {
      var legend = this._header.color.legend;
      if (!legend || !legend.length || this._legend) return;
      var header = this._header;
      var Legend = L.Control.extend({
        onAdd: function () {
          var div = L.DomUtil.create('div', 'kzmap-legend leaflet-bar');
          var html = '<div class="kzmap-legend-title">' + header.name + '</div>';
          legend.forEach(function (row) {
            html +=
              '<div class="kzmap-legend-row"><span class="kzmap-swatch" style="background:' +
              header.color.colors[row[1]] + '"></span>' + row[0] +
              ' <span class="kzmap-legend-count">' + row[2] + '</span></div>';
          });
          if (header.approx) {
            html += '<div class="kzmap-legend-row"><span class="kzmap-swatch" style="background:#fff;' +
              'border:2px dashed #555;box-sizing:border-box"></span>' + header.approx + '</div>';
          }
          div.innerHTML = html; // every piece was escaped in Python
          L.DomEvent.disableClickPropagation(div);
          return div;
        }
      });
      this._legend = new Legend({ position: 'bottomright' }).addTo(this._map);
    }
  });

  kz.points = function (options, base64) {
    return new kz.Points(options, base64);
  };
})();
