// Where a station's clusters stand, without a map: their coordinates on a plain, scaled plane
// (no tile server, so it works on a province network without internet). North is up; the scale
// bar gives the distances. Clusters without coordinates are simply not drawn.
import { html } from '../../lib/html.js';
import { fmtNumber } from '../../lib/format.js';
import { t } from '../../lib/i18n.js';

const W = 320;
const H = 200;
const PAD = 24;
const M_PER_DEG_LAT = 111_320;

export function Locations({ devices }) {
  const placed = devices.filter((d) => d.lat !== null && d.lon !== null);
  if (placed.length === 0) return null;
  const lat0 = placed.reduce((a, d) => a + d.lat, 0) / placed.length;
  const mPerDegLon = M_PER_DEG_LAT * Math.cos((lat0 * Math.PI) / 180);
  const xs = placed.map((d) => d.lon * mPerDegLon);
  const ys = placed.map((d) => d.lat * M_PER_DEG_LAT);
  const [minX, maxX, minY, maxY] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  // Metres per pixel: the larger spread decides, at least 100 m across so one cluster is not a dot in a void.
  const scale = Math.max((maxX - minX) / (W - 2 * PAD), (maxY - minY) / (H - 2 * PAD), 100 / (W - 2 * PAD));
  const cx = (minX + maxX) / 2;
  const cy = (minY + maxY) / 2;
  const px = (x) => W / 2 + (x - cx) / scale;
  const py = (y) => H / 2 - (y - cy) / scale;
  const bar = niceLength(scale * 80);
  return html`<figure class="locations">
    <svg viewBox=${`0 0 ${W} ${H}`} role="img" aria-label=${t('station.locations', { n: placed.length })}>
      <rect class="plane" x="0" y="0" width=${W} height=${H} />
      <text class="north" x=${W - 14} y="16">N↑</text>
      ${placed.map(
        (d, i) => html`<g key=${d.id}>
          <circle class=${d.online ? 'on' : 'off'} cx=${px(xs[i])} cy=${py(ys[i])} r="6"><title>${d.name}</title></circle>
          <text class="label" x=${px(xs[i]) + 9} y=${py(ys[i]) + 4}>${d.name}</text>
        </g>`,
      )}
      <line class="scale" x1=${PAD} x2=${PAD + bar / scale} y1=${H - 10} y2=${H - 10} />
      <text class="label" x=${PAD} y=${H - 14}>${bar >= 1000 ? `${fmtNumber(bar / 1000)} km` : `${fmtNumber(bar)} m`}</text>
    </svg>
  </figure>`;
}

/** 1, 2 or 5 × a power of ten, close to `m`. */
function niceLength(m) {
  const power = 10 ** Math.floor(Math.log10(m));
  const n = m / power;
  return (n < 1.5 ? 1 : n < 3.5 ? 2 : n < 7.5 ? 5 : 10) * power;
}
