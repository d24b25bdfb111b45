// Progressive enhancement for the invitation draft (R-PRT-1): "Copy to clipboard" and the
// mailto: link follow the edited text, and the invitation link is put back if an edit dropped
// it. Without JavaScript the page still works: the mailto: link carries the original draft and
// "Send" keeps the link server-side.
(function () {
  function keepLink(text, link) {
    text = text.replace(/\s+$/, "");
    if (text.indexOf(link) >= 0) return text;
    return text ? text + "\n\n" + link : link;
  }
  function enc(s) {
    return encodeURIComponent(s).replace(/[!'()*]/g, function (c) {
      return "%" + c.charCodeAt(0).toString(16).toUpperCase();
    });
  }
  function init() {
    var box = document.querySelector("[data-invite-draft]");
    if (!box) return;
    var link = box.getAttribute("data-link");
    var body = document.getElementById("draft-body");
    var subject = document.getElementById("draft-subject");
    var mail = document.getElementById("open-mail");
    var copy = document.getElementById("copy-draft");
    var done = document.getElementById("copy-done");
    function update() {
      var text = keepLink(body.value, link).replace(/\r?\n/g, "\r\n");
      mail.href = "mailto:?subject=" + enc(subject.value) + "&body=" + enc(text);
    }
    body.addEventListener("input", update);
    update();
    if (navigator.clipboard) {
      copy.hidden = false;
      copy.addEventListener("click", function () {
        navigator.clipboard.writeText(subject.value + "\n\n" + keepLink(body.value, link)).then(function () {
          done.hidden = false;
        });
      });
    }
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
  document.addEventListener("htmx:afterSettle", init);
})();

// Tables on phones (keiro.css stacks their rows): each cell carries its column's header in
// data-label, which the stacked layout shows above the value.
(function () {
  function label() {
    document.querySelectorAll("main table").forEach(function (table) {
      var heads = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
        return th.textContent.trim();
      });
      if (!heads.length) return;
      table.querySelectorAll("tbody tr").forEach(function (tr) {
        Array.prototype.forEach.call(tr.children, function (td, i) {
          if (heads[i] && !td.hasAttribute("data-label")) td.setAttribute("data-label", heads[i]);
        });
      });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", label);
  else label();
  document.addEventListener("htmx:afterSettle", label);
})();

// A form sent back with an error: the field it names is marked invalid and described by the
// message, and the focus moves to it (else to the message), so a keyboard or screen reader
// user lands where the fix is.
(function () {
  function mark() {
    var err = document.getElementById("form-error");
    if (!err) return;
    var name = err.getAttribute("data-field");
    var field = name ? document.querySelector("main [name='" + name.replace(/'/g, "") + "']") : null;
    if (field) {
      field.setAttribute("aria-invalid", "true");
      field.setAttribute("aria-describedby", "form-error");
      field.focus();
    } else {
      err.setAttribute("tabindex", "-1");
      err.focus();
    }
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mark);
  else mark();
  document.addEventListener("htmx:afterSettle", mark);
})();
