/*
 * private_file.h - opening files that hold secrets or their traces (the
 * secrets server's database and audit log) so only the owner can read them.
 */
#ifndef BW_COMMON_PRIVATE_FILE_H
#define BW_COMMON_PRIVATE_FILE_H

/*
 * Opens path with flags | O_CREAT | O_NOFOLLOW | O_CLOEXEC, creating it with
 * mode 0600 whatever the umask, and takes group and other permissions away
 * from an existing file (as Vault's file audit device does), refusing a
 * symbolic link or anything but a regular file.  Returns the descriptor
 * (caller closes) or a negative errno code: -ELOOP for a symbolic link,
 * -EINVAL for a non-regular file.
 */
int bw_open_private(const char *path, int flags);

#endif
