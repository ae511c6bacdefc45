// Behaviour every page shares. No page carries inline script or on…= handlers: the
// Content-Security-Policy (script-src 'self') would refuse them.

// After a rejected form, bring the first error into view and put the cursor there
// (on a phone the page reloads at the top and the error may be below the fold).
(function () {
  var error = document.querySelector(".has-error, .errorlist-box");
  if (!error) return;
  error.scrollIntoView({block: "center"});
  var field = error.querySelector("input:not([type=hidden]), select, textarea");
  if (field) field.focus({preventScroll: true});
})();

// A form with data-confirm="question" asks before it is sent (deleting an item, say).
document.addEventListener("submit", function (event) {
  var question = event.target.getAttribute("data-confirm");
  if (question && !window.confirm(question)) event.preventDefault();
});
