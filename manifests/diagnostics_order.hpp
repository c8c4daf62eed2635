#pragma once
// Diagnostics are collected in reading order, which is not the order of the text; people
// read them top to bottom, so they are sorted by file (first seen first), line and column.
#include "manifests/diagnostic.hpp"

namespace rollguard {

void sort_diagnostics(Diagnostics& diagnostics);

}  // namespace rollguard
