/*
 * Serverless.Shop clickstream beacon (docs/analytics.md, "Clickstream"). Plain ES2017, no dependencies.
 *
 *   <script src="https://<shop>/api/analytics/beacon.js" data-page-type="product" defer></script>
 *
 * Reports page views, product views, searches, add-to-cart, checkout start and the visible time on each page, in
 * batches, to the events endpoint next to this script. Nothing personal is sent: the path goes without its query
 * string, the referrer as its host only. The session id is kept in the first-party cookie shop_sid (30 minutes,
 * sliding) only after shopAnalytics.consent(true) or data-consent="granted"; without consent each page load has its
 * own id that is never stored.
 */
(function () {
  'use strict';
  if (window.shopAnalytics) return;

  const script = document.currentScript;
  const endpoint = new URL('events', (script && script.src) || location.href).href;
  const cookieName = 'shop_sid';
  const sessionSeconds = 30 * 60;
  const batchSize = 20;
  const flushDelayMs = 5000;
  const pageTypes = ['home', 'category', 'product', 'search', 'cart', 'checkout', 'other'];

  const queue = [];
  let flushTimer = null;
  let consented = false;
  let sessionId = null;
  let page = null;
  let visibleSince = null;
  let visibleMs = 0;

  function randomId() {
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, (b) => (b < 16 ? '0' : '') + b.toString(16)).join('');
  }

  function readCookie() {
    const match = document.cookie.match(/(?:^|;\s*)shop_sid=([A-Za-z0-9_-]{8,64})(?:;|$)/);
    return match ? match[1] : null;
  }

  function writeCookie(value, maxAge) {
    document.cookie = cookieName + '=' + value + '; Max-Age=' + maxAge + '; Path=/; SameSite=Lax' +
      (location.protocol === 'https:' ? '; Secure' : '');
  }

  // With consent the id lives in the cookie and each event renews it (30 minutes after the last one); without, it is this page load's.
  function currentSession() {
    if (consented) {
      sessionId = readCookie() || sessionId || randomId();
      writeCookie(sessionId, sessionSeconds);
    } else if (!sessionId) {
      sessionId = randomId();
    }
    return sessionId;
  }

  function attribute(name) {
    const fromScript = script && script.getAttribute(name);
    if (fromScript) return fromScript;
    return document.body ? document.body.getAttribute(name) : null;
  }

  function referrerHost() {
    try {
      return document.referrer ? new URL(document.referrer).hostname : undefined;
    } catch (e) {
      return undefined;
    }
  }

  // The landing URL's UTM parameters; kept for the tab (sessionStorage) only with consent.
  function landingUtm() {
    const params = new URLSearchParams(location.search);
    const utm = {};
    ['source', 'medium', 'campaign'].forEach((key) => {
      const value = params.get('utm_' + key);
      if (value) utm[key] = value.slice(0, 100);
    });
    if (Object.keys(utm).length > 0) {
      if (consented) try { sessionStorage.setItem('shop.utm', JSON.stringify(utm)); } catch (e) { /* storage off */ }
      return utm;
    }
    try {
      const kept = sessionStorage.getItem('shop.utm');
      return kept ? JSON.parse(kept) : undefined;
    } catch (e) {
      return undefined;
    }
  }

  function pageType(type) {
    return pageTypes.indexOf(type) >= 0 ? type : 'other';
  }

  function track(type, fields) {
    if (!page) startPage(attribute('data-page-type'), attribute('data-product-id') || undefined, true);
    const event = Object.assign({
      id: randomId(),
      type: type,
      sessionId: currentSession(),
      at: new Date().toISOString(),
      path: page.path,
      pageType: page.type,
      referrer: page.referrer,
      utm: page.utm
    }, fields);
    Object.keys(event).forEach((key) => { if (event[key] === undefined || event[key] === null) delete event[key]; });
    queue.push(event);
    if (queue.length >= batchSize) flush();
    else if (!flushTimer) flushTimer = setTimeout(flush, flushDelayMs);
  }

  function send(body) {
    try {
      if (navigator.sendBeacon && navigator.sendBeacon(endpoint, body)) return;
    } catch (e) { /* fall back to fetch */ }
    if (window.fetch) {
      fetch(endpoint, { method: 'POST', body: body, keepalive: true, credentials: 'omit', headers: { 'Content-Type': 'text/plain' } })
        .catch(() => { /* analytics never breaks the page */ });
    }
  }

  function flush() {
    if (flushTimer) {
      clearTimeout(flushTimer);
      flushTimer = null;
    }
    while (queue.length > 0) send(JSON.stringify({ events: queue.splice(0, batchSize) }));
  }

  // The visible time since the last report, as a page-time event (the page-time events of one page view add up).
  // leaving: the page is going away (pagehide), so no more time is counted even if it still reports itself visible.
  function reportVisibleTime(leaving) {
    if (visibleSince !== null) {
      visibleMs += performance.now() - visibleSince;
      visibleSince = !leaving && document.visibilityState === 'visible' ? performance.now() : null;
    }
    const ms = Math.round(visibleMs);
    visibleMs = 0;
    if (ms > 0 && page) track('page-time', { visibleMs: ms });
  }

  function startPage(type, productId, report) {
    if (page) reportVisibleTime();
    page = {
      path: location.pathname.slice(0, 512),
      type: pageType(type),
      referrer: page ? undefined : referrerHost(),
      utm: page ? page.utm : landingUtm()
    };
    visibleMs = 0;
    visibleSince = document.visibilityState === 'visible' ? performance.now() : null;
    if (report) track('page-view', { productId: productId });
  }

  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') {
      reportVisibleTime();
      flush();
    } else if (visibleSince === null && page) {
      visibleSince = performance.now();
    }
  });
  window.addEventListener('pagehide', () => {
    reportVisibleTime(true);
    flush();
  });

  window.shopAnalytics = {
    page: (options) => startPage(options && options.type, options && options.productId, true),
    productView: (productId, sku) => track('product-view', { productId: productId, sku: sku }),
    search: (query) => track('search', { query: String(query).slice(0, 200) }),
    addToCart: (productId, sku, quantity) => track('add-to-cart', { productId: productId, sku: sku, quantity: quantity }),
    checkoutStart: () => track('checkout-start', {}),
    consent: (granted) => {
      consented = !!granted;
      if (consented) currentSession();
      else {
        writeCookie('', 0);
        sessionId = randomId();
      }
    },
    flush: flush
  };

  consented = attribute('data-consent') === 'granted' || readCookie() !== null;
  const onLoad = () => {
    if (!consented && attribute('data-consent') === 'granted') consented = true;
    if (!page) startPage(attribute('data-page-type'), attribute('data-product-id') || undefined, true);
  };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', onLoad);
  else onLoad();
})();
