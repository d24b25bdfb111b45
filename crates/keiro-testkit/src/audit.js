// The page audit of keiro-testkit's Browser::audit: returns a list of problems (strings).
const problems = [];
function parse(s) {
  const m = /rgba?\(([^)]+)\)/.exec(s || "");
  if (!m) return null;
  const p = m[1].split(/[\s,\/]+/).filter(Boolean).map(Number);
  return { rgb: p.slice(0, 3), a: p.length > 3 ? p[3] : 1 };
}
function over(top, base) {
  return base.map((b, k) => top.rgb[k] * top.a + b * (1 - top.a));
}
function background(el) {
  const layers = [];
  for (let e = el; e; e = e.parentElement) {
    const c = parse(getComputedStyle(e).backgroundColor);
    if (c && c.a > 0) {
      layers.push(c);
      if (c.a >= 1) break;
    }
  }
  let base = [255, 255, 255];
  for (let i = layers.length - 1; i >= 0; i--) base = over(layers[i], base);
  return base;
}
function lum(rgb) {
  const a = rgb.map((v) => {
    v /= 255;
    return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
  });
  return 0.2126 * a[0] + 0.7152 * a[1] + 0.0722 * a[2];
}
function describe(el) {
  const id = el.id ? "#" + el.id : "";
  const cls = el.className && typeof el.className === "string" ? "." + el.className.trim().split(/\s+/).join(".") : "";
  const text = (el.innerText || el.value || "").trim().slice(0, 40);
  return el.tagName.toLowerCase() + id + cls + " \"" + text + "\"";
}
const controls = document.querySelectorAll("a[href], button, input:not([type=hidden]):not([type=checkbox]):not([type=radio]):not([type=file]), select, textarea, summary, label.menu-button");
for (const el of controls) {
  if (el.disabled || el.getAttribute("aria-disabled") === "true") continue;
  if (!el.getClientRects().length) continue;
  const st = getComputedStyle(el);
  if (st.visibility === "hidden" || st.display === "none" || Number(st.opacity) === 0) continue;
  const text = (el.innerText || el.value || el.placeholder || "").trim();
  if (!text) continue;
  const fg = parse(st.color);
  if (!fg) continue;
  const bg = background(el);
  const fgc = over(fg, bg);
  const l1 = lum(fgc), l2 = lum(bg);
  const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
  const size = parseFloat(st.fontSize);
  const large = size >= 24 || (size >= 18.66 && Number(st.fontWeight) >= 700);
  const need = large ? 3 : 4.5;
  if (ratio < need) problems.push("contrast " + ratio.toFixed(2) + ":1 < " + need + ":1 for " + describe(el));
}
// A select box wide enough for its options (issue 14: a cut reseller name hid its partner ID).
const canvas = document.createElement("canvas").getContext("2d");
for (const el of document.querySelectorAll("select")) {
  if (!el.getClientRects().length || !el.options.length) continue;
  const st = getComputedStyle(el);
  canvas.font = st.fontWeight + " " + st.fontSize + " " + st.fontFamily;
  let widest = null;
  for (const o of el.options) {
    const w = canvas.measureText(o.text).width;
    if (!widest || w > widest.w) widest = { w, text: o.text };
  }
  // The closed box shows the text between its padding and the arrow (about 1.2em).
  const room = el.clientWidth - parseFloat(st.paddingLeft) - parseFloat(st.paddingRight) - 1.2 * parseFloat(st.fontSize);
  if (widest.w > room + 1) problems.push("select " + describe(el).split(" ")[0] + " cuts \"" + widest.text.slice(0, 60) + "\": needs " + Math.ceil(widest.w) + " px, has " + Math.floor(room));
}
// The layout viewport's width (a phone widens window.innerWidth to fit a too-wide page, so
// that would never see it).
const doc = document.documentElement;
const viewport = doc.clientWidth;
if (doc.scrollWidth > viewport) {
  let widest = null;
  for (const el of document.body.querySelectorAll("*")) {
    const r = el.getBoundingClientRect();
    if (r.right > viewport + 1 && (!widest || r.right > widest.r)) widest = { el, r: r.right };
  }
  problems.push("document " + doc.scrollWidth + " px wide in a " + viewport + " px viewport" + (widest ? " (widest: " + describe(widest.el) + ", right edge " + Math.round(widest.r) + ")" : ""));
}
const nav = performance.getEntriesByType("navigation")[0];
if (nav && nav.responseStatus >= 400) problems.push("HTTP " + nav.responseStatus + ": " + (document.querySelector("main") || document.body).innerText.trim().slice(0, 160));
return problems;
