/** Which activations admit the positive rescaling symmetry σ(αz) = ασ(z), α > 0. */
export const HOMOGENEOUS = new Set(["relu", "leaky-relu", "identity"]);

export function isHomogeneous(activation: string): boolean {
  return HOMOGENEOUS.has(activation);
}

/** One sentence for group descriptions. */
export function activationNote(activation: string): string {
  return isHomogeneous(activation)
    ? `${activation} is positively homogeneous, so hidden units can be rescaled`
    : `${activation} is not positively homogeneous: no rescaling symmetry, only permutations`;
}
