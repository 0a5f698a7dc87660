/*
 * result_int.h - helpers shared by result.c and filter.c (not part of the
 * scan interface).
 */
#ifndef BW_SCAN_RESULT_INT_H
#define BW_SCAN_RESULT_INT_H

#include "scan/scan.h"

/* Releases what one finding owns and zeroes it. */
void scan_finding_release(struct scan_finding *fd);

/* Releases what one secret owns and zeroes it. */
void scan_secret_release(struct scan_secret *sc);

#endif
