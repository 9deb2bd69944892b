// Nothing: marks the sidebar link to url (resolved) with data-nav-target, and no other element.
url => {
  document.querySelectorAll("[data-nav-target]").forEach(a => a.removeAttribute("data-nav-target"));
  const link = [...document.querySelectorAll("nav.md-nav--primary a.md-nav__link")].find(a => a.href === url);
  if (link) link.setAttribute("data-nav-target", "");
}
