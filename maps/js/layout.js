/*
 * kzmap screen layout (part of kzmap, MIT licence): collapses the layer
 * control and panels on small or touch screens, fits the first view inside
 * the part of the map no control covers, and hides labels that would overlap
 * a label of higher rank. Needs only Leaflet.
 */
(function () {
  'use strict';

  var kz = (L.kzmap = L.kzmap || {});
  var WIDE = 1200; // below this width (or on touch screens) the layer control starts collapsed
  var GAP = 6; // pixels kept between a control and the focus
  var CENTRE = 2; // rank of regional centres (kzmap.maps.labels.CENTRE)
  var DOT = 8; // half the side of the square kept clear around a labelled point
  var GAP_LABEL = 10; // a right-hand label's left edge is this far right of its point (offset 4 + margin 6)

  function touch() {
    return navigator.maxTouchPoints > 0 || window.matchMedia('(pointer: coarse)').matches;
  }

  function shown(el) {
    var r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden';
  }

  /** Rectangles of the visible controls, in the map container's pixels. */
  kz.controlRects = function (map) {
    var box = map.getContainer().getBoundingClientRect();
    var out = [];
    map.getContainer().querySelectorAll('.leaflet-control').forEach(function (el) {
      if (!shown(el)) return;
      var r = el.getBoundingClientRect();
      out.push({ l: r.left - box.left, t: r.top - box.top, r: r.right - box.left, b: r.bottom - box.top });
    });
    return out;
  };

  // Each control sits in a corner: keep the focus clear of it either beside it
  // (left/right padding) or above/below it (top/bottom padding). Every choice
  // is tried and the one leaving the largest fitted view wins.
  function bestPadding(map, bounds) {
    var size = map.getSize();
    var rects = kz.controlRects(map);
    var nw = map.project(bounds.getNorthWest(), 0);
    var se = map.project(bounds.getSouthEast(), 0);
    var bw = Math.max(se.x - nw.x, 1e-9);
    var bh = Math.max(se.y - nw.y, 1e-9);
    var best = null;
    for (var mask = 0; mask < 1 << rects.length; mask++) {
      var pad = { l: 0, t: 0, r: 0, b: 0 };
      rects.forEach(function (c, i) {
        var left = (c.l + c.r) / 2 < size.x / 2;
        var top = (c.t + c.b) / 2 < size.y / 2;
        if (mask & (1 << i)) {
          if (left) pad.l = Math.max(pad.l, c.r + GAP);
          else pad.r = Math.max(pad.r, size.x - c.l + GAP);
        } else if (top) pad.t = Math.max(pad.t, c.b + GAP);
        else pad.b = Math.max(pad.b, size.y - c.t + GAP);
      });
      var w = size.x - pad.l - pad.r;
      var h = size.y - pad.t - pad.b;
      if (w < 40 || h < 40) continue;
      var score = Math.min(w / bw, h / bh);
      if (!best || score > best.score) best = { score: score, pad: pad };
    }
    return best ? best.pad : { l: GAP, t: GAP, r: GAP, b: GAP };
  }

  /** Fit `bounds` into the part of the map that no open control covers. */
  kz.fitClear = function (map, bounds) {
    var size = map.getSize();
    if (size.x < 2 || size.y < 2) {
      // not laid out (e.g. an iframe not yet shown): fit once it has a size
      map.once('resize', function () {
        kz.fitClear(map, bounds);
      });
      return null;
    }
    var pad = bestPadding(map, bounds);
    map.fitBounds(bounds, {
      paddingTopLeft: [pad.l, pad.t],
      paddingBottomRight: [pad.r, pad.b],
      animate: false
    });
    return pad;
  };

  function rank(el) {
    var m = /kzmap-rank-(\d)/.exec(el.className);
    return m ? Number(m[1]) : 5;
  }

  function overlaps(a, b) {
    return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  }

  function shifted(b, dx, dy) {
    return { left: b.left + dx, right: b.right + dx, top: b.top + dy, bottom: b.bottom + dy };
  }

  /**
   * Where a point label may sit, as (dx, dy) moves of its box from Leaflet's
   * place (to the right of its point): right, left, above, below. Place
   * names (centred in their area) stay where they are.
   */
  function moves(item) {
    if (!item.point) return [[0, 0]];
    var b = item.box;
    var w = b.right - b.left;
    var h = b.bottom - b.top;
    var gap = 2 * GAP_LABEL; // the point sits GAP_LABEL px left of the box
    var half = w / 2 + GAP_LABEL;
    return [[0, 0], [-(w + gap), 0], [-half, -(h / 2 + 6)], [-half, h / 2 + 6]];
  }

  /**
   * The pixels around a label's point that other labels keep off: its dot
   * and a margin, so that no label reads as the name of a neighbour's dot.
   */
  function dot(item) {
    var b = item.box;
    var y = (b.top + b.bottom) / 2;
    var x = b.left - GAP_LABEL;
    return { left: x - DOT, right: x + DOT, top: y - DOT, bottom: y + DOT };
  }

  /** The middle of a label's dot: covered, the dot cannot be told apart. */
  function centre(item) {
    var d = item.dot;
    var x = (d.left + d.right) / 2;
    var y = (d.top + d.bottom) / 2;
    return { left: x - 1, right: x + 1, top: y - 1, bottom: y + 1 };
  }

  /**
   * Hide or move every permanent label that overlaps a label of higher rank
   * (lower number: capitals, countries, regional centres, regions, towns),
   * the dot of a labelled centre or point of the same or higher rank, or a control: a
   * point label tries the right of its point, then the left, above and
   * below, and is hidden when all four clash or a higher label covers its dot.
   * An area's name (a region labelled both by its layer and as a place) shows once.
   */
  kz.declutter = function (map) {
    var container = map.getContainer();
    var labels = Array.prototype.slice.call(
      container.querySelectorAll('.leaflet-tooltip.kzmap-label, .leaflet-tooltip.kzmap-place')
    );
    labels.forEach(function (el) {
      el.style.visibility = '';
      el.style.marginLeft = '';
      el.style.marginTop = '';
    });
    var order = labels.map(function (el, i) {
      var style = getComputedStyle(el);
      return {
        el: el,
        rank: rank(el),
        i: i,
        point: el.classList.contains('leaflet-tooltip-right'),
        margin: [parseFloat(style.marginLeft) || 0, parseFloat(style.marginTop) || 0],
        box: el.getBoundingClientRect()
      };
    });
    order.sort(function (a, b) {
      return a.rank - b.rank || a.i - b.i;
    });
    var kept = [];
    container.querySelectorAll('.leaflet-control').forEach(function (el) {
      if (shown(el)) kept.push(el.getBoundingClientRect());
    });
    var view = container.getBoundingClientRect();
    // the dots of labelled points: a label keeps off those of its rank or
    // higher and off every regional centre's; a town whose dot a higher
    // label covers loses its own label
    var dots = order.filter(function (item) {
      return item.point;
    }).map(function (item) {
      item.dot = dot(item);
      return item;
    });
    function fits(b, self) {
      var inside = b.left >= view.left && b.right <= view.right && b.top >= view.top && b.bottom <= view.bottom;
      return inside && !kept.some(function (k) {
        return overlaps(b, k);
      }) && !dots.some(function (other) {
        return other !== self && other.rank <= Math.max(self.rank, CENTRE) && overlaps(b, other.dot);
      });
    }
    var named = {}; // names of areas already shown: a region's name once
    order.forEach(function (item) {
      var place = null;
      var text = item.el.textContent;
      var hidden = item.point ? kept.some(function (k) {
        return overlaps(centre(item), k);
      }) : named[text] === true;
      if (!hidden) moves(item).some(function (m) {
        var b = shifted(item.box, m[0], m[1]);
        if (fits(b, item)) place = { box: b, m: m };
        return place !== null;
      });
      if (!place) {
        item.el.style.visibility = 'hidden';
        return;
      }
      if (place.m[0] || place.m[1]) {
        item.el.style.marginLeft = item.margin[0] + place.m[0] + 'px';
        item.el.style.marginTop = item.margin[1] + place.m[1] + 'px';
      }
      kept.push(place.box);
      if (!item.point) named[text] = true;
    });
  };

  /**
   * Permanent name labels at fixed points (items: [lat, lon, escaped text,
   * rank]), shown while `layer` is on the map.
   */
  kz.placeLabels = function (map, layer, items) {
    var group = L.layerGroup(
      items.map(function (item) {
        var kind = item[3] === 1 ? ' kzmap-country' : '';
        return L.tooltip({
          permanent: true,
          direction: 'center',
          interactive: false,
          className: 'kzmap-place kzmap-rank-' + item[3] + kind
        })
          .setLatLng([item[0], item[1]])
          .setContent(item[2]);
      })
    );
    if (map.hasLayer(layer)) group.addTo(map);
    layer.on('add', function () {
      group.addTo(map);
    });
    layer.on('remove', function () {
      group.remove();
    });
    return group;
  };

  /**
   * On a narrow screen the sources panel (bottom left) and the folded legend
   * (bottom right) share the bottom edge: cap the panel's width at what the
   * legend leaves, so it wraps beside the button instead of running under it.
   */
  kz.keepPanelsApart = function (map) {
    var sources = document.querySelector('.kzmap-sources');
    var legend = document.querySelector('.leaflet-control.kzmap-legend');
    if (!sources) return;
    sources.style.maxWidth = '';
    if (!legend || !shown(legend) || window.innerWidth >= 900) return;
    var width = map.getContainer().getBoundingClientRect().width;
    var style = getComputedStyle(sources);
    var room = width - legend.getBoundingClientRect().width - parseFloat(style.marginLeft) -
      parseFloat(getComputedStyle(legend).marginRight) - GAP -
      parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    sources.style.maxWidth = Math.max(room, 0) + 'px';
  };

  /**
   * Lay the page out for the screen: `options.bounds` is [[s, w], [n, e]],
   * `options.control` the layer control (or null). `done` runs once the
   * view is fitted and the labels sorted out.
   */
  kz.layout = function (map, options, done) {
    var small = window.innerWidth < WIDE || touch();
    var control = options.control;
    if (control && small) {
      control.collapse();
      map.on('click', function () {
        control.collapse();
      });
    }
    var tight = window.innerWidth < 900 || window.innerHeight < 650;
    document.querySelectorAll('details.kzmap-legend-box').forEach(function (d) {
      d.open = !tight;
    });
    if (tight) kz.keepPanelsApart(map);
    var bounds = L.latLngBounds(options.bounds);
    var pending = null;
    function later() {
      if (pending) clearTimeout(pending);
      pending = setTimeout(function () {
        pending = null;
        kz.declutter(map);
      }, 30);
    }
    function settle() {
      kz.fitClear(map, bounds);
      map.on('zoomend moveend overlayadd overlayremove resize', later);
      // Sort the labels out once every layer's features are in (compact.js
      // fills layers asynchronously) and placed by the next frame.
      var loaded = kz.whenLoaded ? kz.whenLoaded() : Promise.resolve();
      loaded.then(function () {
        // two frames, or a timer where frames do not run (a hidden iframe)
        var finished = false;
        function finish() {
          if (finished) return;
          finished = true;
          // controls added by later scripts (filters, search) are in place
          // now: fit once more so that they too keep off the focus
          kz.fitClear(map, bounds);
          kz.declutter(map);
          if (done) done();
        }
        requestAnimationFrame(function () {
          requestAnimationFrame(finish);
        });
        setTimeout(finish, 250);
      });
    }
    // The first fit may still be animating its zoom; its end would undo ours.
    if (map._animatingZoom) map.once('zoomend', settle);
    else settle();
    return bounds;
  };
})();
