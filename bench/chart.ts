// The bench results as one SVG (no dependency): a panel per metric with each server's ratio
// to "ws + cork" (1.0 = the reference; the target drawn where there is one), and the scale
// curve (heap per idle connection against the number of connections).
import { CORKED, METRICS, TARGETS, metricOf, type MetricKey } from './peers';
import { ratioOf, type PeerSamples } from './report';
import type { ScaleStep } from './scale';

const PANEL_WIDTH = 430;
const LABEL_WIDTH = 170;
const BAR_HEIGHT = 14;
const GAP = 4;
const MAX_RATIO = 3;
const COLORS: Record<string, string> = {
  ws: '#9aa0a6',
  'ws-cork': '#5f6368',
  gateway: '#1a73e8',
  'gateway-dto': '#4285f4',
  'socket.io': '#e37400',
};

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function colorOf(key: string): string {
  if (key.endsWith('@before')) return '#aecbfa';
  return COLORS[key] ?? (key.startsWith('gateway') || key === 'plugin' ? '#1a73e8' : '#bdc1c6');
}

/** Labels longer than the label column are cut with an ellipsis. */
function shorten(label: string): string {
  return label.length > 30 ? `${label.slice(0, 29)}…` : label;
}

function text(x: number, y: number, content: string, extra = ''): string {
  return `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" ${extra}>${escape(content)}</text>`;
}

/** One metric: a bar per server, ratio to ws + cork on a linear axis from 0 to 3. */
function ratioPanel(
  all: readonly PeerSamples[],
  key: MetricKey,
  x: number,
  y: number,
): { svg: string; height: number } {
  const metric = metricOf(key);
  const scale = (PANEL_WIDTH - LABEL_WIDTH - 50) / MAX_RATIO;
  const parts = [
    text(
      x,
      y + 12,
      `${metric.title} (${metric.better === 'higher' ? 'higher' : 'lower'} is better)`,
      'font-weight="bold"',
    ),
  ];
  const top = y + 22;
  const rows = all.filter((entry) => entry.peer.round === undefined || key === 'broadcast');
  rows.forEach((entry, index) => {
    const rowY = top + index * (BAR_HEIGHT + GAP);
    const ratio = ratioOf(all, entry.peer.key, key, CORKED);
    parts.push(
      text(x + LABEL_WIDTH - 6, rowY + 11, shorten(entry.peer.label), 'text-anchor="end"'),
    );
    if (ratio === undefined) {
      const step = key === 'p50' || key === 'p99' || key === 'p999' ? 'latency' : key;
      const flagged = entry.flags.some((flag) => flag.startsWith(`${step}:`));
      const note = flagged ? 'flagged: generator or machine was the bottleneck' : 'not measured';
      parts.push(text(x + LABEL_WIDTH + 4, rowY + 11, note, 'fill="#80868b"'));
      return;
    }
    const width = Math.min(ratio, MAX_RATIO) * scale;
    parts.push(
      `<rect x="${x + LABEL_WIDTH}" y="${rowY}" width="${width.toFixed(1)}" height="${BAR_HEIGHT}" fill="${colorOf(entry.peer.key)}"/>`,
      text(
        x + LABEL_WIDTH + width + 4,
        rowY + 11,
        `${ratio.toFixed(2)}×${ratio > MAX_RATIO ? ' ›' : ''}`,
      ),
    );
  });
  const bottom = top + rows.length * (BAR_HEIGHT + GAP);
  const one = x + LABEL_WIDTH + scale;
  parts.push(
    `<line x1="${one}" y1="${top - 4}" x2="${one}" y2="${bottom}" stroke="#202124" stroke-dasharray="3,3"/>`,
    text(one, bottom + 12, '1.0 = ws + cork', 'text-anchor="middle" fill="#5f6368"'),
  );
  for (const target of TARGETS.filter((goal) => goal.metric === key && goal.base === CORKED)) {
    const index = rows.findIndex((entry) => entry.peer.key === target.peer);
    if (index === -1) continue;
    const tx = x + LABEL_WIDTH + target.ratio * scale;
    const ty = top + index * (BAR_HEIGHT + GAP);
    parts.push(
      `<line x1="${tx}" y1="${ty - 2}" x2="${tx}" y2="${ty + BAR_HEIGHT + 2}" stroke="#d93025" stroke-width="2"/>`,
    );
  }
  return { svg: parts.join(''), height: bottom + 20 - y };
}

/** Heap per idle connection against connections (log axis), one line per server. */
function scalePanel(steps: readonly ScaleStep[], x: number, y: number): string {
  const ok = steps.filter((step) => step.error === undefined);
  const sizes = [...new Set(ok.map((step) => step.connections))].sort((a, b) => a - b);
  const keys = [...new Set(ok.map((step) => step.key))];
  const width = 2 * PANEL_WIDTH - 260;
  const height = 160;
  const left = x + 70;
  const top = y + 24;
  const maxHeap = Math.max(1, ...ok.map((step) => step.heap)) * 1.1;
  const logs = sizes.map((size) => Math.log10(size));
  const span = Math.max(1e-9, logs[logs.length - 1] - logs[0]);
  const px = (size: number): number =>
    sizes.length < 2 ? left + width / 2 : left + ((Math.log10(size) - logs[0]) / span) * width;
  const py = (bytes: number): number => top + height - (bytes / maxHeap) * height;
  const parts = [
    text(
      x,
      y + 12,
      'heap+external per idle connection (bytes) by connections',
      'font-weight="bold"',
    ),
    `<line x1="${left}" y1="${top + height}" x2="${left + width}" y2="${top + height}" stroke="#202124"/>`,
    `<line x1="${left}" y1="${top}" x2="${left}" y2="${top + height}" stroke="#202124"/>`,
  ];
  for (const fraction of [0, 0.5, 1]) {
    const bytes = (maxHeap / 1.1) * fraction;
    parts.push(
      text(left - 6, py(bytes) + 4, Math.round(bytes).toLocaleString('en-US'), 'text-anchor="end"'),
    );
  }
  for (const size of sizes) {
    parts.push(
      text(px(size), top + height + 16, size.toLocaleString('en-US'), 'text-anchor="middle"'),
    );
  }
  keys.forEach((key, index) => {
    const line = ok
      .filter((step) => step.key === key)
      .sort((a, b) => a.connections - b.connections);
    const points = line.map(
      (step) => `${px(step.connections).toFixed(1)},${py(step.heap).toFixed(1)}`,
    );
    const color = colorOf(key);
    parts.push(
      `<polyline points="${points.join(' ')}" fill="none" stroke="${color}" stroke-width="2"/>`,
      ...line.map(
        (step) =>
          `<circle cx="${px(step.connections).toFixed(1)}" cy="${py(step.heap).toFixed(1)}" r="3" fill="${color}"/>`,
      ),
      `<rect x="${left + width + 10}" y="${top + index * 18}" width="10" height="10" fill="${color}"/>`,
      text(left + width + 24, top + index * 18 + 9, shorten(line[0].label)),
    );
  });
  return parts.join('');
}

/** The whole chart as an SVG document. */
export function renderChart(
  all: readonly PeerSamples[],
  scale: readonly ScaleStep[],
  caption: string,
): string {
  const keys: MetricKey[] = [
    'echo',
    'cpu',
    'heap',
    'connect',
    'broadcast',
    'broadcastCpu',
    'p99',
    'p999',
  ];
  const present = keys.filter((key) => METRICS.some((metric) => metric.key === key));
  const parts: string[] = [];
  let y = 40;
  for (let index = 0; index < present.length; index += 2) {
    let rowHeight = 0;
    for (let column = 0; column < 2 && index + column < present.length; column++) {
      const panel = ratioPanel(all, present[index + column], 10 + column * (PANEL_WIDTH + 20), y);
      parts.push(panel.svg);
      rowHeight = Math.max(rowHeight, panel.height);
    }
    y += rowHeight + 16;
  }
  if (scale.some((step) => step.error === undefined)) {
    parts.push(scalePanel(scale, 10, y));
    y += 220;
  }
  const width = 2 * PANEL_WIDTH + 40;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${y}" viewBox="0 0 ${width} ${y}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    text(
      10,
      18,
      'fastify-ws-gateway bench: ratio to ws + cork (red mark: target)',
      'font-size="14" font-weight="bold"',
    ),
    text(10, 32, caption, 'fill="#5f6368"'),
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}
