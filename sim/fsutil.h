/* sim/fsutil.h - small file-system helpers shared by the tools that cache
 * builds by content (the Verilator model in dut_build.c, yosys runs in
 * area.c): FNV-1a hashing of files and of an RTL file list, and mkdir -p.
 */
#ifndef MPS_SIM_FSUTIL_H
#define MPS_SIM_FSUTIL_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

#ifdef __cplusplus
extern "C" {
#endif

#define MPS_FS_FNV_INIT 1469598103934665603ull /* FNV-1a 64-bit offset basis */

/* FNV-1a of n bytes at p, continuing from h. */
uint64_t mps_fs_fnv(uint64_t h, const void *p, size_t n);

/* Fold a file's path and contents into *h.  Errors: MPS_ERR_IO (names the file). */
int mps_fs_hash_file(uint64_t *h, const char *path, mps_err_t *err);

/* Fold rtl_dir/rtl.f and every source file it lists (relative to rtl_dir;
 * blank, comment and option lines skipped) into *h.  Errors: MPS_ERR_IO. */
int mps_fs_hash_rtl(uint64_t *h, const char *rtl_dir, mps_err_t *err);

/* Fold every line of text into h (without its newline), except lines that
 * start with one of the NULL-terminated prefixes in skip (may be NULL).
 * Used to hash generated parameter files without their comments. */
uint64_t mps_fs_hash_lines(uint64_t h, const char *text, const char *const *skip);

/* mkdir -p: create path and its parents (mode 0777 & umask).  Returns 0, or
 * -1 with errno set. */
int mps_fs_mkdirs(const char *path);

/* Create dir (mkdir -p) and take an exclusive lock on dir/lock, waiting for
 * another process that holds it (one builder per cache directory).  Returns
 * the lock's file descriptor (close it to release), or -1 with the reason
 * in *err (MPS_ERR_IO, names the path). */
int mps_fs_lock_dir(const char *dir, mps_err_t *err);

#ifdef __cplusplus
}
#endif

#endif /* MPS_SIM_FSUTIL_H */
