// The gallery cards' pictures: small SVG sketches of what each lesson draws. Constant markup,
// never built from user data.
const svg = (body: string) =>
  `<svg viewBox="0 0 120 72" width="120" height="72" aria-hidden="true" focusable="false">${body}</svg>`;

export const THUMBNAILS = {
  garden: svg(
    `<rect x="4" y="6" width="112" height="6" fill="#8a7"/><rect x="30" y="12" width="60" height="44" fill="#9c6" stroke="#463" stroke-dasharray="3 2"/>` +
      `<path d="M8 66 Q60 14 112 66" fill="none" stroke="#36c" stroke-width="2"/>`,
  ),
  grid: svg(
    [20, 40, 60].flatMap((x) => [20, 36, 52].map((y) => `<circle cx="${x}" cy="${y}" r="3" fill="#a60"/>`)).join("") +
      [[78, 15], [85, 50], [92, 30], [99, 58], [104, 22], [110, 42], [82, 34], [96, 12], [114, 55]]
        .map(([x, y]) => `<circle cx="${x}" cy="${y}" r="3" fill="#36c"/>`)
        .join("") +
      `<path d="M10 66h55M72 66h46" stroke="#556"/>`,
  ),
  tpe: svg(
    `<path d="M4 62 C25 62 30 12 44 12 S60 62 80 62" fill="none" stroke="#2a7" stroke-width="2"/>` +
      `<path d="M4 62 C40 62 70 30 90 30 S110 62 116 62" fill="none" stroke="#c44" stroke-width="2"/>` +
      `<line x1="44" y1="8" x2="44" y2="66" stroke="#333" stroke-dasharray="2 2"/>`,
  ),
  cmaes: svg(
    `<ellipse cx="60" cy="38" rx="40" ry="16" transform="rotate(-25 60 38)" fill="none" stroke="#36c"/>` +
      `<ellipse cx="60" cy="38" rx="20" ry="8" transform="rotate(-25 60 38)" fill="none" stroke="#36c" stroke-width="2"/>` +
      `<circle cx="60" cy="38" r="3" fill="#c44"/>` +
      [[40, 44], [75, 28], [52, 30], [70, 45], [88, 24], [34, 52]].map(([x, y]) => `<circle cx="${x}" cy="${y}" r="2" fill="#333"/>`).join(""),
  ),
  gp: svg(
    `<path d="M4 40 C30 10 50 60 70 30 S100 20 116 44 L116 60 C100 36 70 50 70 46 S30 30 4 56 Z" fill="#1f77b433"/>` +
      `<path d="M4 48 C30 20 50 55 70 38 S100 28 116 52" fill="none" stroke="#1f77b4" stroke-width="2"/>` +
      `<circle cx="32" cy="34" r="3" fill="#333"/><circle cx="70" cy="38" r="3" fill="#333"/>`,
  ),
  explore: svg(
    `<path d="M4 20 L14 50 L24 22 L34 56 L44 24 L54 66 L64 24 L74 56 L84 22 L94 50 L104 20 L114 44" fill="none" stroke="#a60" stroke-width="1.5"/>` +
      `<circle cx="54" cy="64" r="4" fill="#c44"/>`,
  ),
  pruning: svg(
    [8, 18, 28, 38, 48].map((y, i) => `<path d="M6 ${66 - i * 2} Q${40 + i * 10} ${y} 114 ${y}" fill="none" stroke="${i < 2 ? "#2a7" : "#999"}"/>`).join("") +
      `<line x1="40" y1="6" x2="40" y2="68" stroke="#c44" stroke-dasharray="3 2"/><line x1="80" y1="6" x2="80" y2="68" stroke="#c44" stroke-dasharray="3 2"/>`,
  ),
  pareto: svg(
    `<path d="M14 8 Q20 54 112 62" fill="none" stroke="#c44" stroke-width="2"/>` +
      [[24, 20], [30, 38], [44, 48], [62, 56], [86, 60], [40, 30], [70, 40], [90, 30], [56, 22]]
        .map(([x, y]) => `<circle cx="${x}" cy="${y}" r="2.5" fill="#36c"/>`)
        .join(""),
  ),
  mnist: svg(
    `<rect x="8" y="8" width="56" height="56" fill="#123"/><path d="M24 20 Q48 14 44 30 Q38 44 26 54 L50 54" fill="none" stroke="#eef" stroke-width="5" stroke-linecap="round"/>` +
      `<rect x="74" y="14" width="8" height="46" fill="#36c"/><rect x="88" y="34" width="8" height="26" fill="#36c"/><rect x="102" y="48" width="8" height="12" fill="#36c"/>`,
  ),
};
