// A line chart on a canvas: a few dozen lines instead of a chart library, for one series at a time.
export class LineChart {
  constructor(canvas, windowMs = 5 * 60_000) {
    this.canvas = canvas;
    this.windowMs = windowMs;
    this.points = [];
  }

  reset(points) {
    this.points = points.slice();
    this.draw();
  }

  push(points) {
    this.points.push(...points);
    const cutoff = Date.now() - this.windowMs;
    while (this.points.length && this.points[0].ts < cutoff) this.points.shift();
    this.draw();
  }

  draw() {
    const { canvas, points } = this;
    const ctx = canvas.getContext('2d');
    const w = canvas.width, h = canvas.height, pad = 36;
    ctx.clearRect(0, 0, w, h);
    ctx.font = '12px system-ui';
    ctx.fillStyle = '#667';
    if (points.length < 2) {
      ctx.fillText('waiting for readings…', pad, h / 2);
      return;
    }
    const t1 = Date.now(), t0 = t1 - this.windowMs;
    let lo = Math.min(...points.map((p) => p.value)), hi = Math.max(...points.map((p) => p.value));
    if (hi === lo) { hi += 1; lo -= 1; }
    const x = (t) => pad + ((t - t0) / (t1 - t0)) * (w - pad - 8);
    const y = (v) => h - 18 - ((v - lo) / (hi - lo)) * (h - 30);
    ctx.fillText(hi.toPrecision(4), 2, 14);
    ctx.fillText(lo.toPrecision(4), 2, h - 18);
    ctx.strokeStyle = '#0b62d6';
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    points.forEach((p, i) => (i ? ctx.lineTo(x(p.ts), y(p.value)) : ctx.moveTo(x(p.ts), y(p.value))));
    ctx.stroke();
    canvas.dataset.points = String(points.length);
  }
}
