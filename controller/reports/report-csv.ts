// The period report as CSV for spreadsheets: one row per district and a total row, headers in
// the reader's language. A UTF-8 byte-order mark makes Excel read Vietnamese diacritics right.
import type { Language } from '../errors.js';
import type { PeriodReport } from './reports.service.js';

type Row = PeriodReport['districts'][number];

const COLUMNS: { vi: string; en: string; value: (r: Row) => string | number }[] = [
  { vi: 'Mã huyện', en: 'District code', value: (r) => r.districtCode },
  { vi: 'Huyện', en: 'District', value: (r) => r.districtName },
  { vi: 'Số xã', en: 'Communes', value: (r) => r.communes },
  { vi: 'Đài CNTT-VT đầu kỳ', en: 'IT-telecom stations at start', value: (r) => r.start.it_telecom },
  { vi: 'Đài CNTT-VT cuối kỳ', en: 'IT-telecom stations at end', value: (r) => r.end.it_telecom },
  { vi: 'Thay đổi CNTT-VT', en: 'IT-telecom change', value: (r) => signed(r.change.it_telecom) },
  { vi: 'Chuyển sang CNTT-VT trong kỳ', en: 'Converted to IT-telecom in period', value: (r) => r.convertedToSmart },
  { vi: 'FM đầu kỳ', en: 'FM at start', value: (r) => r.start.fm },
  { vi: 'FM cuối kỳ', en: 'FM at end', value: (r) => r.end.fm },
  { vi: 'Hữu tuyến đầu kỳ', en: 'Wired at start', value: (r) => r.start.wired },
  { vi: 'Hữu tuyến cuối kỳ', en: 'Wired at end', value: (r) => r.end.wired },
  { vi: 'Hỗn hợp cuối kỳ', en: 'Mixed at end', value: (r) => r.end.mixed },
  { vi: 'Chưa có đài cuối kỳ', en: 'No station at end', value: (r) => r.end.none },
  { vi: 'Tỷ lệ đài thông minh cuối kỳ (%)', en: 'Smart share at end (%)', value: (r) => (r.smartShareEnd * 100).toFixed(1) },
  { vi: 'Thời gian hoạt động (%)', en: 'Uptime (%)', value: (r) => (r.uptime.ratio === null ? '' : (r.uptime.ratio * 100).toFixed(2)) },
];

function signed(n: number): string {
  return n > 0 ? `+${n}` : String(n);
}

/** RFC 4180 quoting; a leading =, +, - or @ is neutralised so a cell is never run as a formula. */
export function csvCell(value: string | number): string {
  let text = String(value);
  if (/^[=+\-@]/.test(text) && !/^[+-]?\d+(\.\d+)?$/.test(text)) text = `'${text}`;
  return /[",\r\n;]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function periodReportCsv(report: PeriodReport, lang: Language): string {
  const total: Row = {
    ...report.totals,
    districtCode: '',
    districtName: lang === 'vi' ? 'Tổng' : 'Total',
    smartShareEnd: report.totals.smartShareEnd,
  };
  const lines = [COLUMNS.map((c) => csvCell(c[lang])).join(',')];
  for (const row of [...report.districts, total]) lines.push(COLUMNS.map((c) => csvCell(c.value(row))).join(','));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
