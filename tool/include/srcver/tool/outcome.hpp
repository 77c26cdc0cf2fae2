#pragma once
// What the commands end with, decided in one place: the exit statuses documented in --help, README.md and the man
// page, and which of two statuses a run ends with when its parts end differently. (The verdict of a built module
// against its prediction, which check and verify share, is in src/verdict.hpp.)

#include <srcver/base/error.hpp>

#include <llvm/Support/Error.h>

#include <string>

namespace srcver::tool {

// Exit statuses, documented in --help, README.md and the man page.
enum ExitStatus : int {
  exit_ok = 0,               // every module has its srcversion
  exit_differs = 1,          // (check, verify) some module's srcversion differs
  exit_usage = 2,            // bad usage or input
  exit_cannot_predict = 3,   // some module has no srcversion, or the answer cannot be known with certainty
  exit_needs_build_step = 4, // (plan) a step must run first: DKMS PRE_BUILD, configure
};

// The status a run ends with when one part of it ends with `a` and another with `b`: bad input (2) over a difference
// (1) over "cannot predict" (3) over a step needed first (4) over success (0). A user who gave a wrong file hears of
// it first; a difference is never hidden behind a module that could not be predicted.
int worse_status(int a, int b);

// The exit status of an error of `category`: 3 cannot predict, 4 needs a build step, 2 otherwise.
int exit_status_of(ErrorCategory category);

// The exit status of a prediction's error: as exit_status_of(), except that a step the build needs first (PRE_BUILD)
// is "cannot predict" (3): predict and check give an answer or none, they plan no steps.
int prediction_exit_status(ErrorCategory category);

// Prints an error ("srcversion-predict: <message>") and returns exit_status_of() its category.
int report_error(llvm::Error err);

// Prints a prediction's error and returns prediction_exit_status() its category.
int report_prediction_error(llvm::Error err);

} // namespace srcver::tool
