import type { Paper } from '../types'

/** The paper that argues random pruning and pooling are baselines every method must beat. */
export const areWeSolvingTheRightProblem: Paper = {
  title: 'Token Pruning in Multimodal Large Language Models: Are We Solving the Right Problem?',
  authors: 'Zichen Wen, Yifeng Gao, Weijia Li, Conghui He, Linfeng Zhang',
  venue: 'arXiv 2025 (random and pooling baselines)',
  url: 'https://arxiv.org/abs/2502.11501',
}
