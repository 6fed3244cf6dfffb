/**
 * Data sets behind one entry point: `loadTask(cfg, key)` builds the seeded train/test splits of a
 * shipped (mnist, iris) or generated (two-moons, spirals, gaussian-mixture, teacher-student,
 * modular) task, or of the user's own file (file). Nothing is downloaded.
 */
import type { Key } from "../core/random.ts";
import type { DataConfig } from "./config.ts";
import { mnist } from "./mnist.ts";
import { iris } from "./iris.ts";
import { twoMoons, spirals, gaussianMixture } from "./synthetic.ts";
import { teacherStudent } from "./teacherStudent.ts";
import { modular } from "./modular.ts";
import { fileData } from "./file.ts";
import type { TaskData } from "./types.ts";

export * from "./config.ts";
export type * from "./types.ts";
export { BatchSampler } from "./sampler.ts";
export { takeRows, trainTestSplit } from "./split.ts";
export { mnistDigits } from "./mnist.ts";
export { irisRaw } from "./iris.ts";
export { modularOp } from "./modular.ts";

export function loadTask(cfg: DataConfig, k: Key): TaskData {
  switch (cfg.name) {
    case "mnist":
      return mnist(cfg, k);
    case "iris":
      return iris(cfg, k);
    case "two-moons":
      return twoMoons(cfg, k);
    case "spirals":
      return spirals(cfg, k);
    case "gaussian-mixture":
      return gaussianMixture(cfg, k);
    case "teacher-student":
      return teacherStudent(cfg, k);
    case "modular":
      return modular(cfg, k);
    case "file":
      return fileData(cfg, k);
  }
}
