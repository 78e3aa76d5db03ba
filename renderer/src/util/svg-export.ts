/** An SVG element as a file of its own, and as a PNG (stateful: a canvas and an image of its own). */

/** The element as a standalone SVG document. */
export function svgFile(svg: SVGSVGElement): string {
  const copy = svg.cloneNode(true) as SVGSVGElement
  copy.setAttribute('xmlns', 'http://www.w3.org/2000/svg')
  copy.setAttribute('xmlns:xlink', 'http://www.w3.org/1999/xlink')
  return `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(copy)}\n`
}

/** The element rasterised at `scale` × its size, on `background`, as PNG bytes. */
export async function svgToPng(svg: SVGSVGElement, scale = 2, background = '#111318'): Promise<Uint8Array> {
  const width = Number(svg.getAttribute('width')) || svg.getBoundingClientRect().width
  const height = Number(svg.getAttribute('height')) || svg.getBoundingClientRect().height
  const url = URL.createObjectURL(new Blob([svgFile(svg)], { type: 'image/svg+xml' }))
  try {
    const img = new Image()
    img.src = url
    await img.decode()
    const canvas = document.createElement('canvas')
    canvas.width = Math.round(width * scale)
    canvas.height = Math.round(height * scale)
    const ctx = canvas.getContext('2d')!
    ctx.fillStyle = background
    ctx.fillRect(0, 0, canvas.width, canvas.height)
    ctx.drawImage(img, 0, 0, canvas.width, canvas.height)
    const blob = await new Promise<Blob>((ok, fail) => canvas.toBlob((b) => (b ? ok(b) : fail(new Error('the PNG could not be made'))), 'image/png'))
    return new Uint8Array(await blob.arrayBuffer())
  } finally {
    URL.revokeObjectURL(url)
  }
}
