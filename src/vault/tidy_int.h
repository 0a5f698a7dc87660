/*
 * tidy_int.h - internal to src/vault/: the sweep of expired state (tidy.c)
 * and the parts of it that live beside the data they clean (approle_tidy.c:
 * secret ids; wrapping.c: wrapped responses), plus what the tidy
 * endpoints' handlers call.  vault.h has the public side (vault_tidy_run,
 * the background sweeper, struct vault_tidy_stats).
 *
 * Every part walks its keys the same way: one storage list (the backends
 * have no paging), then the keys in batches of VAULT_TIDY_BATCH with a
 * check between batches that the sweep was not stopped and the barrier not
 * sealed; a key that looks stale from an unlocked read is re-read and
 * re-checked under the lock its writers hold (tok_mu, the AppRole mutex,
 * the wrapping mutex) before it is deleted, and that lock covers one key
 * only.
 */
#ifndef BW_VAULT_TIDY_INT_H
#define BW_VAULT_TIDY_INT_H

#include <stdatomic.h>

#include "vault/core_int.h"

#define VAULT_TIDY_BATCH 64 /* keys handled between stop/seal checks */

/* One sweep under way: the core, the counters, the stop flag (NULL when
 * nothing can stop it: a synchronous vault_tidy_run). */
struct vault_tidy_walk {
	struct vault_core *c;
	struct vault_tidy_stats *st;
	const atomic_int *stop;
};

/* Nonzero when the walk must end now (stopped, or the barrier sealed). */
int vault_tidy_stopped(const struct vault_tidy_walk *w);

/*
 * The parts.  Each is best effort, as Vault's tidy: a key that fails is
 * counted in st->errors and skipped; the first such error is returned
 * (with err filled) after the walk.  -ECANCELED when stopped or sealed
 * part way.
 */
/* approle_tidy.c: expired secret ids, secret ids without their accessor entry,
 * accessor entries without their secret id. */
int vault_approle_tidy(struct vault_tidy_walk *w, struct bw_error *err);
/* wrapping.c: stored responses whose wrapping token is dead or gone (a
 * dead token is revoked first). */
int vault_wrapping_tidy(struct vault_tidy_walk *w, struct bw_error *err);

/*
 * The handlers of auth/token/tidy and auth/approle/tidy/secret-id: asks
 * the background sweeper for a sweep of what (VAULT_TIDY_TOKENS or
 * VAULT_TIDY_SECRET_IDS) and answers as Vault does: 202 with the warning
 * "Tidy operation successfully started...", or 200 with "Tidy operation
 * already in progress." when such a sweep is pending or running.  Without
 * a sweeper (no server: tests, embedders) the sweep runs in the calling
 * thread before the 202.  The answer is the whole body (ROUTE_RAW).
 */
int vault_tidy_handle(struct vault_core *c, unsigned what, int *ret_status,
		      json_t **ret_body);

#endif
