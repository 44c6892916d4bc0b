// ANSI escape sequences to DOM: SGR colours and styles (16, 256 and 24-bit colours, bold,
// faint, italic, underline, inverse); every other escape sequence is dropped. Each log line is
// rendered on its own (the styles of one line do not leak into the next), and only when it
// scrolls into view, so the cost is paid for at most a screenful of lines per frame.

// ESC [ params final | ESC ] ... BEL/ST (OSC, e.g. hyperlinks and titles) | ESC + one char.
const kEscape = /\x1b(?:\[([0-9;:?]*)([@-~])|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])/g;

function color256(n) {
  if (n < 16) return null; // a class
  if (n >= 232) {
    const v = 8 + (n - 232) * 10;
    return `rgb(${v},${v},${v})`;
  }
  n -= 16;
  const c = [Math.floor(n / 36), Math.floor(n / 6) % 6, n % 6].map((x) => (x ? 55 + x * 40 : 0));
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}

/** The text a line shows: what follows its last carriage return, as a terminal would. */
export function visibleText(text) {
  const cr = text.lastIndexOf("\r");
  return cr >= 0 && cr < text.length - 1 ? text.slice(cr + 1) : text.replace(/\r$/, "");
}

/** Strips every escape sequence (for filtering by text). */
export function stripAnsi(text) {
  return text.indexOf("\x1b") < 0 ? text : text.replace(kEscape, "");
}

/** Appends `text`, with its ANSI styles as spans, to `parent`. */
export function appendAnsi(parent, text) {
  text = visibleText(text);
  if (text.indexOf("\x1b") < 0) {
    parent.append(text);
    return;
  }
  // The current style.
  let fg = -1, bg = -1, fgRgb = null, bgRgb = null;
  let bold = false, faint = false, italic = false, underline = false, inverse = false;
  let last = 0;
  const emit = (s) => {
    if (!s) return;
    let f = fg, b = bg, fr = fgRgb, br = bgRgb;
    if (inverse) {
      [f, b, fr, br] = [b < 0 && !br ? 0 : b, f < 0 && !fr ? 7 : f, br, fr];
    }
    if (f < 0 && b < 0 && !fr && !br && !bold && !faint && !italic && !underline) {
      parent.append(s);
      return;
    }
    const span = document.createElement("span");
    let cls = "";
    if (f >= 0) cls += " c" + f;
    if (b >= 0) cls += " g" + (b % 8);
    if (bold) cls += " b";
    if (faint) cls += " f";
    if (italic) cls += " i";
    if (underline) cls += " u";
    if (cls) span.className = cls.slice(1);
    if (fr) span.style.color = fr;
    if (br) span.style.background = br;
    span.textContent = s;
    parent.append(span);
  };
  kEscape.lastIndex = 0;
  let m;
  while ((m = kEscape.exec(text))) {
    emit(text.slice(last, m.index));
    last = kEscape.lastIndex;
    if (m[2] !== "m") continue;
    const ps = (m[1] || "0").split(/[;:]/).map((x) => (x === "" ? 0 : parseInt(x, 10)));
    for (let i = 0; i < ps.length; i++) {
      const p = ps[i];
      if (p === 0) {
        fg = bg = -1;
        fgRgb = bgRgb = null;
        bold = faint = italic = underline = inverse = false;
      } else if (p === 1) bold = true;
      else if (p === 2) faint = true;
      else if (p === 3) italic = true;
      else if (p === 4) underline = true;
      else if (p === 7) inverse = true;
      else if (p === 22) bold = faint = false;
      else if (p === 23) italic = false;
      else if (p === 24) underline = false;
      else if (p === 27) inverse = false;
      else if (p >= 30 && p <= 37) (fg = p - 30), (fgRgb = null);
      else if (p === 39) (fg = -1), (fgRgb = null);
      else if (p >= 40 && p <= 47) (bg = p - 40), (bgRgb = null);
      else if (p === 49) (bg = -1), (bgRgb = null);
      else if (p >= 90 && p <= 97) (fg = p - 90 + 8), (fgRgb = null);
      else if (p >= 100 && p <= 107) (bg = p - 100 + 8), (bgRgb = null);
      else if (p === 38 || p === 48) {
        let idx = -1, rgb = null;
        if (ps[i + 1] === 5 && i + 2 < ps.length) {
          const n = ps[i + 2] & 255;
          if (n < 16) idx = n;
          else rgb = color256(n);
          i += 2;
        } else if (ps[i + 1] === 2 && i + 4 < ps.length) {
          rgb = `rgb(${ps[i + 2] & 255},${ps[i + 3] & 255},${ps[i + 4] & 255})`;
          i += 4;
        }
        if (p === 38) (fg = idx), (fgRgb = rgb);
        else (bg = idx), (bgRgb = rgb);
      }
    }
  }
  emit(text.slice(last));
}
