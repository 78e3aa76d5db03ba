/** Python's round(): halves go to the even neighbour (torch.round does the same), where Math.round sends them up. */
export function pyRound(x: number): number {
  const f = Math.floor(x)
  const diff = x - f
  if (diff > 0.5) return f + 1
  if (diff < 0.5) return f
  return f % 2 === 0 ? f : f + 1
}
