// The two Linux calls that copy a file inside the kernel, which Swift cannot reach on its
// own (`ioctl` is variadic; glibc declares `copy_file_range` only under _GNU_SOURCE).
// Only RasterEngine's FileCopy uses this module.
#ifndef CFILECOPY_H
#define CFILECOPY_H

#include <stddef.h>
#include <sys/types.h>

/// Makes `dst` share `src`'s extents (FICLONE: btrfs, XFS, bcachefs). 0, or -1 with errno.
int cfilecopy_clone(int src, int dst);

/// Copies up to `length` bytes from the current offset of `src` to that of `dst` in the
/// kernel (copy_file_range). Bytes copied, 0 at end of file, or -1 with errno.
ssize_t cfilecopy_range(int src, int dst, size_t length);

#endif
