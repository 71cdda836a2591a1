/* See LICENSE file for copyright and license details. */
/*
 * The compile-time bounds: the user's config.h first, then config.h.def
 * for any bound an older config.h does not have yet (every default there
 * is inside #ifndef). Include this, never config.h itself.
 */
#include "config.h"
#include "config.h.def"
