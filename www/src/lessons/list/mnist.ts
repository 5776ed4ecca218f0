import type { Lesson } from "../lesson";
import { lessonSpec } from "../spec";
import { THUMBNAILS } from "../thumbnails";

/** A small MLP on MNIST, trained in the browser by the engine's trainer. */
export const mnist: Lesson = {
  id: "mnist",
  title: "Tuning a real network",
  question: "Which hyperparameters matter when a real network learns to read digits?",
  thumbnail: THUMBNAILS.mnist,
  paragraphs: [
    "Each trial trains a small neural network on 1,000 handwritten digits, right here in your browser, and reports its accuracy on digits it has not seen.",
    "TPE tunes the learning rate, the width of the hidden layer and more. The importances say which of them mattered most in this study; the digits are the ones the best network still gets wrong.",
  ],
  tryThis: "After 8 trials, which hyperparameter matters most? Look at what the best trial changed against the first one, then run 8 more.",
  visual: "best-changed",
  show: ["seed", "trials", "plot-importances", "plot-history"],
  spec: () =>
    lessonSpec(
      "mnist",
      { objective: "mnist", sampler: { name: "TPESampler", kwargs: { n_startup_trials: 4, n_ei_candidates: 24, multivariate: false } }, nTrials: 8, mnist: { train: 1000, backend: "auto" } },
      mnist.show,
    ),
};
