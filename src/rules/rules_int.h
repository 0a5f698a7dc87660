/*
 * rules_int.h - internal types of the rules engine, shared by the files of
 * src/rules/ only (parser, loader, compiler, evaluator, field extractors,
 * alert renderer).  Nothing here is part of the public API (see rules.h).
 *
 * Data flow:
 *   load.c      YAML -> struct ritem (rules, macros, lists) with condition
 *               text fragments that remember where they came from
 *   parse.c     condition text -> struct ast (arena-free tree, offsets)
 *   compile.c   ast + macros + lists -> struct cnode tree of typed checks,
 *               event-type bitsets, exceptions, output templates
 *   eval.c      cnode tree x event -> bool, with a per-event field cache
 *   fields*.c   the field table and extractors
 *   output.c    alert rendering
 */
#ifndef BW_RULES_RULES_INT_H
#define BW_RULES_RULES_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "rules/rules.h"
#include "state/state.h"

/* ---- small helpers ------------------------------------------------------ */

const void *rx_memrchr(const void *s, int c, size_t n);
const void *rx_memmem(const void *h, size_t hl, const void *n, size_t nl);
/* Case-insensitive (ASCII) search of lowercase needle n in h. */
bool rx_icontains(const char *h, size_t hl, const char *n, size_t nl);
void *rx_calloc(size_t n, size_t sz);          /* aborts never; NULL on OOM */
char *rx_strndup(const char *s, size_t n);     /* NUL-terminated copy */
int diag_add(struct bw_rules_diag *d, bool is_error, const char *file,
	     int line, int col, const char *item, const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));

/* ---- event-type sets ----------------------------------------------------- */

#define EVTSET_WORDS ((BW_EVT__COUNT + 63) / 64)
struct evtset {
	uint64_t w[EVTSET_WORDS];
};
static inline void evtset_add(struct evtset *s, unsigned t)
{
	s->w[t / 64] |= 1ull << (t % 64);
}
static inline bool evtset_has(const struct evtset *s, unsigned t)
{
	return (s->w[t / 64] >> (t % 64)) & 1;
}
void evtset_all(struct evtset *s);
bool evtset_is_all(const struct evtset *s);
bool evtset_is_empty(const struct evtset *s);

/* ---- condition AST (parse.c) -------------------------------------------- */

enum ast_kind {
	AST_AND = 1,
	AST_OR,
	AST_NOT,
	AST_IDENT,   /* macro reference */
	AST_CHECK,
	AST_TRUE,    /* built by the compiler only */
};

enum rop {
	OP_EQ = 1, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE,
	OP_CONTAINS, OP_ICONTAINS, OP_BCONTAINS, OP_STARTSWITH, OP_BSTARTSWITH,
	OP_ENDSWITH, OP_GLOB, OP_IGLOB, OP_REGEX, OP_IN, OP_INTERSECTS,
	OP_PMATCH, OP_EXISTS,
};
const char *rop_name(enum rop op);

enum xform {
	XF_TOLOWER = 1, XF_TOUPPER, XF_BASENAME, XF_LEN, XF_B64,
};
#define AST_MAX_XFORMS 4

/* A field reference as written: "proc.aname[2]", "evt.arg.flags". */
struct ast_field {
	char *name;         /* owned, without the argument */
	char *arg;          /* owned, bracketed argument or NULL */
	uint8_t xf[AST_MAX_XFORMS]; /* transformers, innermost first */
	uint8_t nxf;
	int off;            /* offset in the condition text */
};

/* One right-hand value. */
struct ast_val {
	char *s;            /* owned string */
	bool quoted;
	int off;
};

struct ast {
	uint8_t kind;
	uint8_t op;             /* AST_CHECK */
	bool rhs_is_list;       /* ( ... ) or an identifier for list ops */
	bool rhs_is_field;      /* val(field) / transformer on the right */
	int off;                /* offset of the node in the condition text */
	char *ident;            /* AST_IDENT: owned macro name */
	struct ast_field lhs;
	struct ast_field rhs_field;
	struct ast_val *vals;   /* owned array */
	size_t nvals;
	struct ast **kids;      /* AND/OR: n kids; NOT: 1 */
	size_t nkids;
};

/* Parses text[0..len).  On error returns -EINVAL and writes the offset of
 * the problem and a message.  The tree is freed with ast_free. */
int ast_parse(const char *text, size_t len, struct ast **ret, int *err_off,
	      char *msg, size_t msglen);
void ast_free(struct ast *a);
/* Parses a lone field reference ("proc.aname[2]") for exceptions. */
int ast_parse_field(const char *text, struct ast_field *ret);
void ast_field_clear(struct ast_field *f);

/* ---- field values and extraction (fields*.c) ------------------------------ */

enum fv_kind {
	FV_NONE = 0,   /* missing */
	FV_STR,        /* s/len, NUL-terminated */
	FV_NUM,        /* i (also carries bool 0/1) */
	FV_IP,         /* ip/fam */
	FV_LIST,       /* list of strings */
	FV_IPLIST,     /* several IPs (fd.ip = either end) */
	FV_NUMLIST,    /* several numbers (fd.port = either end) */
};

#define FV_MAX_LIST 64

struct fval {
	uint8_t kind;
	uint8_t fam;          /* FV_IP: AF_INET / AF_INET6 */
	bool has_num;         /* FV_STR that also has a numeric meaning */
	uint32_t len;
	const char *s;
	int64_t i;
	uint8_t ip[16];
	/* lists: items point into scratch */
	uint32_t n;
	const char **items;
	uint32_t *lens;
	int64_t *nums;
	uint8_t (*ips)[16];
	uint8_t *fams;
};

/* Parsed field reference bound to a table entry. */
struct fref {
	const struct field_def *def;
	char *arg;            /* owned; NULL if none */
	uint32_t arglen;
	int64_t idx;          /* numeric argument, -1 if none */
	int16_t param;        /* evt.arg.X: resolved later per event type */
};

struct rx;   /* extraction context */

typedef int (*field_extract_fn)(struct rx *x, const struct fref *r,
				struct fval *out);

struct field_def {
	struct bw_field_info info;
	int id;
	field_extract_fn extract;
	uint8_t out_type;     /* how to render in output_fields: enum bw_ftype */
	bool dotted_key;      /* accepts "name.key" as the argument */
};

/* Per-class tables (fields_*.c). */
extern const struct field_def bw_fields_evt[];
extern const size_t bw_fields_evt_n;
extern const struct field_def bw_fields_proc[];
extern const size_t bw_fields_proc_n;
extern const struct field_def bw_fields_fd[];
extern const size_t bw_fields_fd_n;
extern const struct field_def bw_fields_ctr[];
extern const size_t bw_fields_ctr_n;

/* Resolves a name (+arg) to a field; -ENOENT if unknown, -EINVAL with msg
 * if the argument is bad.  Fills ret (arg owned). */
int field_resolve(const char *name, const char *arg, struct fref *ret,
		  char *msg, size_t msglen);
void fref_clear(struct fref *r);

/* Users by uid from <root>/etc/passwd (bounded, loaded once). */
struct usercache;
const char *usercache_name(struct usercache **uc, const char *root,
			   uint32_t uid, bool group);
void usercache_free(struct usercache *uc);

/* Scratch arena for the current event. */
#define RX_SCRATCH_SIZE (256u << 10)

struct rx {
	struct bw_event *ev;
	struct bw_ruleset *rs;
	char *scratch;
	size_t used;
};

char *rx_alloc(struct rx *x, size_t n);       /* NULL when full */
/* Copies s[0..n) into scratch with a NUL; returns NULL when full. */
const char *rx_strdup(struct rx *x, const char *s, size_t n);
int fv_str(struct rx *x, struct fval *out, const char *s, size_t n,
	   bool copy);
int fv_num(struct fval *out, int64_t v);
/* Looks an ancestor up: level 0 = the process itself. */
struct bw_proc *rx_ancestor(struct rx *x, unsigned level);
/* Renders any value as text into scratch (for output and string ops). */
const char *fval_to_str(struct rx *x, const struct fval *v, uint32_t *len);

/* ---- compiled tree (compile.c / eval.c) --------------------------------- */

/* A field slot: a distinct (field, argument) pair of the ruleset; its value
 * is extracted at most once per event. */
struct slot {
	struct fref ref;
	char *key;            /* "proc.aname[2]" for dedup and output */
};

struct vexpr {
	uint32_t slot;
	uint8_t xf[AST_MAX_XFORMS];
	uint8_t nxf;
	uint8_t type;         /* bw_ftype after transformers */
};

struct cconst {
	char *s;              /* NUL-terminated */
	uint32_t len;
	bool has_num;
	int64_t num;
	bool is_ip;
	uint8_t fam;
	uint8_t ip[16];
	uint8_t prefix;       /* CIDR prefix length (is_ip) */
	bool is_net;
};

struct strset {          /* open-addressing hash set of strings */
	uint32_t mask;
	struct cconst **slots;
};

enum cn_kind {
	CN_AND = 1, CN_OR, CN_NOT, CN_TRUE, CN_FALSE, CN_EVTTYPE, CN_CHECK,
};

struct cnode {
	uint8_t kind;
	uint8_t op;
	bool rhs_field;
	bool ci;              /* case-insensitive set */
	struct evtset types;  /* CN_EVTTYPE */
	struct cnode **kids;
	uint32_t nkids;
	struct vexpr lhs;
	struct vexpr rhs;     /* rhs_field */
	struct cconst *vals;  /* owned array */
	uint32_t nvals;
	struct strset set;    /* OP_IN / OP_INTERSECTS on strings */
	pcre2_code *re;
};

void cnode_free(struct cnode *n);
bool strset_has(const struct strset *set, const char *s, uint32_t len);
bool cnode_eval(struct bw_ruleset *rs, struct rx *x, const struct cnode *n);
/* Extracts (cached) the value of slot s for the current event. */
const struct fval *slot_value(struct bw_ruleset *rs, struct rx *x,
			      uint32_t s);
int vexpr_value(struct bw_ruleset *rs, struct rx *x, const struct vexpr *e,
		struct fval *out);

/* ---- loaded items (load.c) ------------------------------------------------ */

/* A condition fragment: text plus where it sits in which loaded file. */
struct frag {
	char *text;
	size_t len;
	int file;             /* index in rs->files */
	size_t src_off;       /* byte offset of the YAML scalar in that file */
	int line, col;        /* scalar start (1-based) */
	uint8_t style;        /* yaml_scalar_style_t */
};

struct exc {
	char *name;
	char **fields;        /* owned */
	size_t nfields;
	bool fields_is_list;
	char **comps;         /* owned, nfields */
	/* values: rows of nfields cells; a cell is a list of strings */
	struct exc_row *rows;
	size_t nrows;
	int line, col, file;
};
struct exc_cell {
	char **items;
	size_t n;
	bool is_list;
};
struct exc_row {
	struct exc_cell *cells;
	size_t n;
};

enum item_kind { IT_RULE = 1, IT_MACRO, IT_LIST };

struct output_tok {
	char *lit;            /* literal text, or NULL for a field */
	size_t litlen;
	uint32_t slot;
};

struct bw_rule {
	uint8_t kind;         /* enum item_kind */
	struct bw_ruleset *rs;
	char *name;
	int file, line, col;
	/* condition (rules, macros) */
	struct frag *frags;
	size_t nfrags;
	/* lists */
	char **items;
	size_t nitems;
	/* rules */
	char *output;
	char *desc;
	enum bw_priority priority;
	char **tags;
	size_t ntags;
	bool enabled;
	bool skip_unknown;
	bool warn_evttypes;
	bool has_def;         /* a full definition was seen */
	char *source;
	struct exc *excs;
	size_t nexcs;
	/* compiled */
	struct ast *ast;      /* macros: parsed once */
	bool visiting;        /* macro cycle detection */
	bool compiled;
	bool skipped;
	struct cnode *tree;
	struct evtset types;
	struct output_tok *otoks;
	size_t notoks;
	uint32_t *ofield_slots;   /* for output_fields */
	size_t nofields;
};

struct loaded_file {
	char *name;
	char *buf;
	size_t len;
};

struct rule_vec {
	struct bw_rule **v;
	size_t n, cap;
	uint32_t *idx;        /* name hash -> position + 1 (0 = empty) */
	uint32_t mask;
	bool indexed;         /* names are hashed (item lists, not by_type) */
};

struct bw_ruleset {
	struct rule_vec rules, macros, lists;
	struct loaded_file *files;
	size_t nfiles;
	char **plugins;       /* "name version" */
	size_t nplugins;
	char *engine_version;
	bool compiled;
	enum bw_priority min_prio;

	/* compile results */
	struct slot *slots;
	size_t nslots, capslots;
	struct rule_vec by_type[BW_EVT__COUNT];
	struct evtset all_types;
	size_t nloaded, nskipped;

	/* per-event evaluation state */
	uint64_t gen;
	uint64_t *slot_gen;
	struct fval *slot_val;
	char *scratch;
	pcre2_match_data *md;
	struct rx cur;                /* context of the event being evaluated */
	const struct bw_event *cur_ev; /* non-NULL only inside rules_eval */

	/* host info */
	struct bw_proc *(*proc_lookup)(void *ctx, int32_t pid);
	void *proc_lookup_ctx;
	char *host_root;
	struct usercache *users;
	char hostname[256];
};

/* Finds an item by name in a vector, or NULL. */
struct bw_rule *rule_vec_find(struct rule_vec *v, const char *name);
int rule_vec_push(struct rule_vec *v, struct bw_rule *r);
void item_free(struct bw_rule *r);

/* Maps an offset in a (possibly concatenated) condition to a file
 * position.  frag_idx/frag_off identify the fragment. */
void frag_position(const struct bw_ruleset *rs, const struct frag *f,
		   size_t off, int *line, int *col);

/* Resolves/allocates a slot for a field reference (takes the arg). */
int slot_get(struct bw_ruleset *rs, const struct ast_field *f,
	     uint32_t *ret, char *msg, size_t msglen);

/* compile_exc.c: exception clauses and event-type analysis. */
struct ast *ast_node(uint8_t kind);
int ast_push(struct ast *p, struct ast *k);
struct ast *exc_ast(struct bw_rule *r, char *msg, size_t msglen, bool *empty);
/* certain=false: types for which n may be true; true: types for which n is
 * true whatever the rest of the event. */
void types_of(const struct cnode *n, bool certain, struct evtset *out);

/* Output template compile (output.c). Returns -ENOENT with msg on an
 * unknown field. */
int output_compile(struct bw_ruleset *rs, struct bw_rule *r, char *msg,
		   size_t msglen);

#endif
