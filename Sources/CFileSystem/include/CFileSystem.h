// The Linux file calls the engine needs and Swift cannot reach on its own (`ioctl` is
// variadic; glibc declares `copy_file_range` and `sync_file_range` only under _GNU_SOURCE).
// Only RasterEngine uses this module.
#ifndef CFILESYSTEM_H
#define CFILESYSTEM_H

#include <stddef.h>
#include <sys/types.h>

/// Makes `dst` share `src`'s extents (FICLONE: btrfs, XFS, bcachefs). 0, or -1 with errno.
int cfs_clone(int src, int dst);

/// Copies up to `length` bytes from the current offset of `src` to that of `dst` in the
/// kernel (copy_file_range). Bytes copied, 0 at end of file, or -1 with errno.
ssize_t cfs_copy_range(int src, int dst, size_t length);

/// Starts writing the file's dirty pages to disk without waiting for them
/// (sync_file_range SYNC_FILE_RANGE_WRITE over the whole file), so a later fsync has
/// less left to wait for. 0, or -1 with errno.
int cfs_start_writeback(int fd);

/// Opens `path` for writing with O_DIRECT (writes go from the caller's memory to the disk,
/// bypassing the page cache; offsets, lengths and buffers must be aligned to the device's
/// logical block size). A descriptor, or -1 with errno (EINVAL where unsupported).
int cfs_open_direct(const char *path);

/// Reserves `length` bytes at `offset` on disk (fallocate, mode 0: the file grows to cover
/// them), so running out of space shows at once. 0, or -1 with errno (EOPNOTSUPP where the
/// file system cannot reserve).
int cfs_reserve(int fd, off_t offset, off_t length);

#endif
