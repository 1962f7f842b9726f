// What the page and its worker share: a view of the Mandelbrot set, its tiles, and the colours.

/** A view: the point at the centre of the canvas, the size of a pixel, and the iteration limit. */
export interface View {
  readonly x: number;
  readonly y: number;
  readonly scale: number;
  readonly width: number;
  readonly height: number;
  readonly limit: number;
}

/** A rectangle of the canvas, rendered by one task. */
export interface Tile {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export const TILE = 64;

/** The whole set on a `width` × `height` canvas. */
export function home(width: number, height: number): View {
  return { x: -0.6, y: 0, scale: 3 / Math.min(width, height), width, height, limit: 300 };
}

/** `view` magnified `factor` times around the canvas pixel (px, py), with more iterations. */
export function zoom(view: View, px: number, py: number, factor: number): View {
  return {
    ...view,
    x: view.x + (px - view.width / 2) * view.scale,
    y: view.y + (py - view.height / 2) * view.scale,
    scale: view.scale / factor,
    limit: Math.round(view.limit * 1.25),
  };
}

/** The tiles of a view, the ones nearest the centre first. */
export function tilesOf(view: View): Tile[] {
  const tiles: Tile[] = [];
  for (let y = 0; y < view.height; y += TILE) {
    for (let x = 0; x < view.width; x += TILE) {
      tiles.push({ x, y, width: Math.min(TILE, view.width - x), height: Math.min(TILE, view.height - y) });
    }
  }
  const distance = (t: Tile) =>
    Math.hypot(t.x + t.width / 2 - view.width / 2, t.y + t.height / 2 - view.height / 2);
  return tiles.sort((a, b) => distance(a) - distance(b));
}

/** The colour of an escape time (0: inside the set). */
export function palette(n: number): readonly [number, number, number] {
  if (n === 0) return [0, 0, 0];
  const t = Math.sqrt(n) / 6;
  return [
    Math.round(127.5 * (1 + Math.cos(6.283 * (t + 0.0)))),
    Math.round(127.5 * (1 + Math.cos(6.283 * (t + 0.33)))),
    Math.round(127.5 * (1 + Math.cos(6.283 * (t + 0.67)))),
  ];
}
