// The theme: "light" or "dark" as the user picked it (remembered in localStorage), else the system's
// (prefers-color-scheme, app.css). Loaded as a classic script in <head>, so the page never flashes the other one.
(function () {
  var saved = null;
  try { saved = localStorage.getItem('computellm.theme'); } catch (e) { /* storage off: follow the system */ }
  if (saved === 'light' || saved === 'dark') document.documentElement.dataset.theme = saved;
}());
