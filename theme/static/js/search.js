// The search page: the site's Pagefind index, searched in the browser. The search lives in the
// address (?q=…&province=…&actor=…&year=…&month=2014-07&sort=relevance), so a search is a link, a bookmark or a
// browser shortcut. Without JavaScript the page says so and links to the indexes.
(function () {
  "use strict";
  var form = document.getElementById("search");
  if (!form) return;
  var input = document.getElementById("search-q");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var more = document.getElementById("search-more");
  var terms = JSON.parse(document.getElementById("search-terms").textContent);
  // The index is cut into shards by date (newest first): the newest loads Pagefind, the others
  // are merged into it. Each document carries its shard as a filter, so newest-first results are
  // gathered shard by shard.
  var bundle = new URL(form.getAttribute("data-bundle"), location.href);
  var shards = form.getAttribute("data-shards").split(" ");
  var root = new URL("../", bundle); // the site's root: the bundle is its pagefind/ folder
  var PROVINCE = form.getAttribute("data-province-word") || "Province";
  var GROUPS = [["province"], ["actor"], ["place"], ["year"], ["month"]];
  // The page's words, in its language (see the template's data-words).
  var WORDS = JSON.parse(form.getAttribute("data-words"));
  var plurals = new Intl.PluralRules(document.documentElement.lang || "en");

  function digits(text) {
    return String(text).replace(/[0-9]/g, function (d) { return WORDS.digits[Number(d)]; });
  }

  function shownAs(name, value) {
    if (name === "year") return digits(value);
    if (name !== "month") return value;
    var parts = value.split("-");  // "2014-07" -> "July 2014"
    return WORDS.months[Number(parts[1]) - 1] + " " + digits(parts[0]);
  }

  function matches(count) {
    var text = WORDS.matches[plurals.select(count)] || WORDS.matches.other;
    return text.replace("%(n)s", digits(count));
  }
  var PAGE = 20;
  var pagefind = null;
  var selects = {};
  var results = [];
  var shown = 0;
  var latest = 0;
  var timer = null;

  function chosen() {
    var filters = {};
    GROUPS.forEach(function (group) {
      var value = selects[group[0]].value;
      if (value) filters[group[0]] = value;
    });
    return filters;
  }

  function without(filters, name) {
    var copy = {};
    Object.keys(filters).forEach(function (key) { if (key !== name) copy[key] = filters[key]; });
    return copy;
  }

  function options(filters, byRelevance) {
    return { filters: filters, sort: byRelevance ? {} : { date: "desc" } };
  }

  // The filters' selects are on the page from the start (nothing moves when the index loads):
  // their options come from the index.
  function fillFilters(all, params) {
    GROUPS.forEach(function (group) {
      var name = group[0];
      var select = form.elements[name];
      var values = Object.keys(all[name] || {}).sort();
      if (name === "year" || name === "month") values.reverse();
      values.forEach(function (value) { select.append(new Option(shownAs(name, value), value)); });
      select.value = values.indexOf(params.get(name)) !== -1 ? params.get(name) : "";
      select.addEventListener("change", run);
      selects[name] = select;
    });
  }

  function showCounts(counts) {
    GROUPS.forEach(function (group) {
      var select = selects[group[0]];
      var known = counts[group[0]] || {};
      Array.prototype.forEach.call(select.options, function (option) {
        if (!option.value) return;
        var count = known[option.value] || 0;
        option.textContent = shownAs(group[0], option.value) + " (" + digits(count) + ")";
        option.disabled = count === 0 && option.value !== select.value;
      });
    });
  }

  function remember(query, filters, byRelevance) {
    var params = new URLSearchParams();
    if (query) params.set("q", query);
    Object.keys(filters).forEach(function (key) { params.set(key, filters[key]); });
    if (byRelevance) params.set("sort", "relevance");
    var search = params.toString();
    history.replaceState(null, "", location.pathname + (search ? "?" + search : ""));
  }

  // Arabic as the index holds it too: without short vowels and other marks, with a plain alef.
  function plainArabic(text) {
    return text.replace(/[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]/g, "").replace(/[أإآٱ]/g, "ا");
  }

  async function run() {
    var id = ++latest;
    var query = plainArabic(input.value.trim());
    var filters = chosen();
    var byRelevance = form.elements.sort.value === "relevance" && query !== "";
    remember(query, filters, form.elements.sort.value === "relevance");
    if (!query && !Object.keys(filters).length) {
      var totals = await pagefind.filters();
      if (id !== latest) return;
      showCounts(totals);
      results = [];
      list.replaceChildren();
      more.hidden = true;
      status.textContent = WORDS.prompt;
      return;
    }
    var search = await pagefind.search(query || null, options(filters, byRelevance));
    var found = byRelevance ? search.results : await newestFirst(query, filters, search.filters.shard || {});
    // Each chosen filter's own counts leave that filter out: how many results choosing another would give.
    var counts = Object.assign({}, search.filters);
    for (var name of Object.keys(filters)) {
      var other = await pagefind.search(query || null, options(without(filters, name), byRelevance));
      counts[name] = other.filters[name];
    }
    if (id !== latest) return;
    showCounts(counts);
    results = found;
    shown = 0;
    list.replaceChildren();
    await showMore(false);
    if (id !== latest) return;
    var count = results.length;
    status.textContent = count === 0 ? WORDS.none : matches(count);
  }

  // Results newest first across shards: the shards that have matches, newest first, each in its
  // own date order (Pagefind orders one index by date; merged indexes it orders by score).
  async function newestFirst(query, filters, perShard) {
    var found = [];
    for (var shard of shards) {
      if (!perShard[shard]) continue;
      var one = Object.assign({}, filters, { shard: shard });
      found = found.concat((await pagefind.search(query || null, options(one, false))).results);
    }
    return found;
  }

  async function showMore(moveFocus) {
    var id = latest;
    var next = results.slice(shown, shown + PAGE);
    var data = await Promise.all(next.map(function (result) { return result.data(); }));
    if (id !== latest) return;
    var items = data.map(item);
    list.append.apply(list, items);
    shown += next.length;
    more.hidden = shown >= results.length;
    if (moveFocus && items.length) items[0].querySelector("a").focus();
  }

  function item(data) {
    var li = document.createElement("li");
    li.className = "search-result";
    var title = document.createElement("h2");
    title.className = "entry-title";
    var link = document.createElement("a");
    link.href = new URL(data.meta.url, root).href;
    link.textContent = data.meta.title;
    title.append(link);
    var meta = document.createElement("p");
    meta.className = "meta";
    meta.textContent = data.meta.date;
    var excerpt = document.createElement("p");
    excerpt.className = "excerpt";
    excerpt.innerHTML = briefExcerpt(data);
    li.append(title, meta, excerpt);
    var chips = document.createElement("ul");
    chips.className = "chips";
    [["province", PROVINCE + ": "], ["actor", WORDS.actor + " "]].forEach(function (kind) {
      (data.filters[kind[0]] || []).forEach(function (name) { chips.append(chip(kind[0], kind[1], name)); });
    });
    if (chips.children.length) li.append(chips);
    return li;
  }

  // An excerpt of the brief, never of the other names an entry is found by. A document's text is
  // the brief, a mark, the title and date, a mark, then the other names of its terms (see
  // model/search.py). Pagefind's content is the plain text (not escaped) whose words its
  // locations count: each word is escaped here before it is shown.
  var MARK = "\u2042", EXCERPT = 30;
  function briefExcerpt(data) {
    var words = data.content.split(/[\r\n\s]+/g);
    var end = words.lastIndexOf(MARK);
    end = end > 0 ? words.lastIndexOf(MARK, end - 1) : -1;
    if (end < 0) return data.excerpt; // an index written before the mark
    var hits = (data.weighted_locations || []).filter(function (w) { return w.location < end; });
    if (!hits.length) return escapeText(data.meta.summary || ""); // matched by title, filter or other name
    var start = densest(hits, Math.min(end, words.length));
    var marked = {};
    hits.forEach(function (w) { marked[w.location] = true; });
    var shown = [];
    for (var i = start; i < Math.min(start + EXCERPT, end); i++) {
      var word = escapeText(words[i]); // the entry's text, never markup
      shown.push(marked[i] ? "<mark>" + word + "</mark>" : word);
    }
    return (start > 0 ? "… " : "") + shown.join(" ") + (start + EXCERPT < end ? " …" : "");
  }

  // Where the excerpt starts: ten words before the match with the most weight of matches in the
  // thirty words from there, kept inside the brief.
  function densest(hits, end) {
    var best = -1, bestAt = 0;
    hits.forEach(function (hit) {
      var at = Math.max(0, hit.location - 10), sum = 0;
      hits.forEach(function (w) { if (w.location >= at && w.location < at + EXCERPT) sum += w.balanced_score; });
      if (sum > best) { best = sum; bestAt = at; }
    });
    return Math.max(0, Math.min(bestAt, end - EXCERPT));
  }

  function escapeText(text) {
    var span = document.createElement("span");
    span.textContent = text;
    return span.innerHTML;
  }

  function chip(kind, label, name) {
    var li = document.createElement("li");
    li.className = "chip " + kind;
    var url = (terms[kind] || {})[name];
    var inner = document.createElement(url ? "a" : "span");
    if (url) inner.href = new URL(url, root).href;
    var hidden = document.createElement("span");
    hidden.className = "visually-hidden";
    hidden.textContent = label;
    inner.append(hidden, name);
    li.append(inner);
    return li;
  }

  // The index loads when it is wanted: at once for a page opened with a search, else on the first
  // focus, keystroke or choice in the form (nothing is downloaded for a visit that searches nothing).
  var loading = null;
  function load() {
    if (!loading) loading = start();
    return loading;
  }

  async function start() {
    var params = new URLSearchParams(location.search);
    status.textContent = WORDS.loading;
    try {
      pagefind = await import(new URL(shards[0] + "/pagefind.js", bundle).href);
      await pagefind.options({ excerptLength: 30 });
      await pagefind.init();
      for (var shard of shards.slice(1)) await pagefind.mergeIndex(new URL(shard + "/", bundle).href);
      fillFilters(await pagefind.filters(), params);
    } catch (error) {
      status.textContent = WORDS.failed;
      return;
    }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(run, 250);
    });
    Array.prototype.forEach.call(form.elements.sort, function (radio) { radio.addEventListener("change", run); });
    more.addEventListener("click", function () { showMore(true); });
    await run();
  }

  var opened = new URLSearchParams(location.search);
  input.value = opened.get("q") || "";
  form.elements.sort.value = opened.get("sort") === "relevance" ? "relevance" : "";
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    clearTimeout(timer);
    load().then(function () { if (pagefind) run(); });
  });
  if (Array.from(opened.keys()).some(function (key) { return key !== "sort"; })) {
    load();
  } else {
    status.textContent = WORDS.prompt;
    form.addEventListener("focusin", load, { once: true });
    form.addEventListener("pointerdown", load, { once: true });
  }
})();
