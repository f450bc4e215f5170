"""What the browser crawl checks on every page, in the page itself (JavaScript run by Chromium)
and in its text: nothing overflows or is cut off, the navigation is on one line, and every word
is in the page's language."""

import re

# Runs in the page: a list of what is wrong with its layout at the current width.
LAYOUT_PROBLEMS = r"""
(phone) => {
  const problems = [];
  const root = document.documentElement;
  const widest = () => {
    // The innermost elements that reach past the window: what makes the page wide.
    const past = Array.from(document.querySelectorAll('body *')).filter(
      (el) => el.getBoundingClientRect().right > root.clientWidth + 1 && !el.closest('.visually-hidden'));
    return past.filter((el) => !past.some((other) => other !== el && el.contains(other))).slice(0, 3);
  };
  const name = (el) => {
    const id = el.id ? '#' + el.id : '';
    const test = el.dataset && el.dataset.testid ? `[data-testid=${el.dataset.testid}]` : '';
    const cls = typeof el.className === 'string' && el.className ? '.' + el.className.trim().split(/\s+/).slice(0, 3).join('.') : '';
    const text = (el.innerText || el.value || '').trim().replace(/\s+/g, ' ').slice(0, 40);
    return `${el.tagName.toLowerCase()}${id}${test}${cls}${text ? ' “' + text + '”' : ''}`;
  };
  const visible = (el) => {
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || style.display === 'none') return false;
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.height > 0;
  };
  if (root.scrollWidth > root.clientWidth + 1) {
    problems.push(`the page scrolls sideways: ${root.scrollWidth}px wide in ${root.clientWidth}px, past the edge: `
      + widest().map((el) => `${name(el)} (${Math.round(el.getBoundingClientRect().right)})`).join(', '));
  }
  const skip = (el) => el.closest('.visually-hidden, .dropdown-menu, .tooltip, [data-crawl-skip], script, style, template, svg, canvas, select, option');
  const seen = new Set();
  for (const el of document.querySelectorAll('body *')) {
    if (problems.length > 20) break;
    if (skip(el) || !visible(el)) continue;
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    if (style.position === 'fixed') continue;
    for (let box_of = el.parentElement; box_of && box_of !== document.body; box_of = box_of.parentElement) {
      const outer = getComputedStyle(box_of);
      const clips = outer.overflowX !== 'visible';
      const card = box_of.classList.contains('card');
      if (!clips && !card) continue;
      const limit = box_of.getBoundingClientRect();
      const out = box.right - limit.right > 1.5 || limit.left - box.left > 1.5;
      if (out) {
        const scrolls = outer.overflowX === 'auto' || outer.overflowX === 'scroll';
        const truncates = style.textOverflow === 'ellipsis' || getComputedStyle(box_of).textOverflow === 'ellipsis';
        const key = name(box_of);
        if (truncates || seen.has(key)) break;
        if (scrolls && phone) break;  // a table may scroll inside its own box on a phone
        seen.add(key);
        const how = scrolls ? 'scrolls sideways inside' : (clips ? 'is cut off by' : 'sticks out of');
        problems.push(`${name(el)} ${how} ${key} (${Math.round(box.right)} > ${Math.round(limit.right)})`);
      }
      break;  // only the nearest box that clips or frames matters
    }
  }
  const nav = document.querySelector('[data-testid=navbar]');
  if (nav && !phone && root.clientWidth >= 1200 && nav.getBoundingClientRect().height > 72) {
    problems.push(`the navigation wraps onto several lines (${Math.round(nav.getBoundingClientRect().height)}px high)`);
  }
  return problems;
}
"""

# Runs in the page: every piece of text a person reads (visible text, placeholders, options,
# button values, titles), and the page's language.
PAGE_TEXT = r"""
() => {
  // A time zone's name is an identifier, not a word of the page's language (Africa/Addis Ababa).
  for (const zones of document.querySelectorAll('select[name*=timezone]')) zones.style.display = 'none';
  const parts = [document.body.innerText, document.title];
  for (const el of document.querySelectorAll('[placeholder], [title], [aria-label], option, input[type=submit], input[type=button]')) {
    if (el.closest('[data-crawl-skip], select[name*=timezone]')) continue;
    for (const attribute of ['placeholder', 'title', 'aria-label']) {
      if (el.getAttribute(attribute)) parts.push(el.getAttribute(attribute));
    }
    if (el.tagName === 'OPTION') parts.push(el.textContent);
    if (el.tagName === 'INPUT' && (el.type === 'submit' || el.type === 'button')) parts.push(el.value);
  }
  return {language: document.documentElement.lang, text: parts.join('\n')};
}
"""

WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
LATIN = re.compile(r"[A-Za-z]")
CYRILLIC = re.compile(r"[\u0400-\u04ff]")
RUSSIAN_ONLY = re.compile(r"[ыэъёЫЭЪЁ]")
UKRAINIAN_ONLY = re.compile(r"[іїєґІЇЄҐ]")

# Words that are the same in every language: the brand, units, channels, file formats, names of
# the languages in the switcher, and Django's own admin words that stay Latin.
SAME_IN_EVERY_LANGUAGE = {
    "accompaniment", "crm", "uah", "usd", "eur", "sms", "telegram", "nps", "csv", "json", "xlsx", "xls",
    "excel", "tsv", "ods", "html", "yaml", "spa", "id", "e-mail", "email", "english", "русский",
    "українська", "url", "ip", "cron", "utc", "celery", "django", "http", "https", "www", "html",
    "control", "command", "mac",  # the keys the admin's multiple select names
}
# Written as code, not as words: a path or a time zone (Europe/Kyiv), a dotted or snake_case name
# (clients.deliver_outbox), a JSON example ({"argument": "value"}, ["arg1", "arg2"]).
CODE = re.compile(r"""\{[^{}]*\}|\[[^\[\]]*"[^\[\]]*\]|\S*[/_.]\S*[A-Za-z]\S*|\S*[A-Za-z]\S*[/_]\S*""")


def wrong_language_words(text: str, language: str, allowed: set[str]) -> list[str]:
    """The words of ``text`` that are not in ``language`` (en, ru or uk): Latin words on a
    Russian or Ukrainian page, Cyrillic on an English one, Ukrainian letters on a Russian page
    and Russian ones on a Ukrainian page. ``allowed`` words (the club's data: names, services…)
    and SAME_IN_EVERY_LANGUAGE pass."""
    wrong = []
    words = []
    for word in WORD.findall(CODE.sub(" ", text)):
        # "SPA-специалист": each part of a compound on its own, unless the whole is allowed.
        whole_allowed = word.lower() in allowed or word.lower() in SAME_IN_EVERY_LANGUAGE
        words += [word] if whole_allowed or not re.search(r"['’-]", word) else re.split(r"['’-]", word)
    for word in words:
        lower = word.lower()
        if not word or lower in allowed or lower in SAME_IN_EVERY_LANGUAGE:
            continue
        if language == "en":
            bad = bool(CYRILLIC.search(word))
        elif len(word) < 2 and not CYRILLIC.search(word):
            bad = False  # a single Latin letter: a size, an option label ("A–Z" is data-like)
        else:
            bad = bool(LATIN.search(word))
            bad = bad or (language == "uk" and bool(RUSSIAN_ONLY.search(word)))
            bad = bad or (language == "ru" and bool(UKRAINIAN_ONLY.search(word)))
        if bad and word not in wrong:
            wrong.append(word)
    return wrong


def data_words(strings) -> set[str]:
    """The lower-cased words of the club's own data (names of people, services, plans, notes)."""
    words = set()
    for value in strings:
        if value:
            words.update(word.lower() for word in WORD.findall(str(value)))
    return words
