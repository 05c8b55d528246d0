/* SPDX-License-Identifier: GPL-2.0-or-later */
/* kd_api.h - the bodies of KD data packets: state changes, manipulate
 * requests and replies, DEBUG_IO and FILE_IO (x64, little-endian)
 *
 * Pure codecs (bytes in, struct out; struct in, bytes out) shared by the
 * debugger's KD engine, the simulated debuggee and the wire analysis.
 * Layouts and numbers: docs/kd-engine.md, with their sources.  Every parse
 * checks the length it reads, and every string taken from a packet is cut
 * to its buffer and made printable, so a hostile body can only fail.
 */
#ifndef KDH_KD_API_H
#define KDH_KD_API_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kdh/kdnet/kd.h"

/* DBGKD_ANY_WAIT_STATE_CHANGE: NewState values, size */
#define KD_STATE_EXCEPTION	0x3030u
#define KD_STATE_LOAD_SYMBOLS	0x3031u
#define KD_STATE_COMMAND_STRING	0x3032u
#define KD_STATE_LEN		240

/* DBGKD_MANIPULATE_STATE64 ApiNumber values, size of the fixed part */
#define KD_API_READ_VIRTUAL	0x3130u
#define KD_API_WRITE_VIRTUAL	0x3131u
#define KD_API_GET_CONTEXT	0x3132u
#define KD_API_SET_CONTEXT	0x3133u
#define KD_API_WRITE_BREAKPOINT	0x3134u
#define KD_API_RESTORE_BREAKPOINT 0x3135u
#define KD_API_CONTINUE		0x3136u
#define KD_API_READ_CONTROL	0x3137u
#define KD_API_WRITE_CONTROL	0x3138u
#define KD_API_CONTINUE2	0x313cu
#define KD_API_GET_VERSION	0x3146u
#define KD_API_GET_CONTEXT_EX	0x315fu
#define KD_MANIP_LEN		56

/* DBGKD_DEBUG_IO (KD_API_PRINT_STRING is in kd.h) */
#define KD_API_GET_STRING	0x3231u	/* DbgPrompt */
#define KD_DEBUG_IO_LEN		16

/* DBGKD_FILE_IO */
#define KD_API_CREATE_FILE	0x3430u
#define KD_FILE_IO_LEN		64

/* AMD64 CONTEXT as GetContext returns it */
#define KD_CONTEXT_LEN		1232
#define KD_CONTEXT_RCX		0x80
#define KD_CONTEXT_RIP		0xf8

/* NTSTATUS and continue statuses */
#define KD_STATUS_SUCCESS	0x00000000u
#define KD_STATUS_UNSUCCESSFUL	0xc0000001u
#define KD_STATUS_NO_SUCH_FILE	0xc000000fu
#define KD_STATUS_BREAKPOINT	0x80000003u
#define KD_STATUS_SINGLE_STEP	0x80000004u
#define KD_STATUS_ASSERTION	0xc0000420u
#define KD_DBG_EXCEPTION_HANDLED 0x00010001u
#define KD_DBG_CONTINUE		0x00010002u
#define KD_DBG_NOT_HANDLED	0x80010001u

#define KD_INT3			0xcc
#define KD_NAME_MAX		128	/* module and file names kept */
#define KD_TEXT_MAX		512	/* DbgPrint text kept */

/**
 * struct kd_state_change - a parsed DBGKD_ANY_WAIT_STATE_CHANGE (x64)
 * @new_state:	KD_STATE_*
 * @processor, @n_processors: which CPU reports, of how many
 * @thread, @pc: the reporting thread and its program counter
 * @code, @flags, @address, @n_params, @info, @first_chance: exception
 *		record (KD_STATE_EXCEPTION); @info holds its first 4 of 15
 * @base, @size, @checksum, @unload: load symbols (KD_STATE_LOAD_SYMBOLS);
 *		an unload with @base ~0 is "unload all" before a reboot
 * @name:	load symbols: the image path that follows the 240 bytes;
 *		command string: its first string.  Printable, cut to fit.
 * @istream:	the first bytes of the instruction stream at @pc
 * @istream_len: how many of them the report holds (up to 16)
 */
struct kd_state_change {
	uint32_t new_state;
	uint16_t processor_level, processor;
	uint32_t n_processors;
	uint64_t thread, pc;
	uint32_t code, flags;
	uint64_t address;
	uint32_t n_params;
	uint64_t info[4];
	uint32_t first_chance;
	uint64_t base;
	uint32_t size, checksum;
	bool unload;
	char name[KD_NAME_MAX];
	uint8_t istream[16];
	uint16_t istream_len;
};

/**
 * struct kd_manip - a parsed DBGKD_MANIPULATE_STATE64
 * @api:	KD_API_*
 * @status:	ReturnStatus
 * @u:		the 40-byte union, as sent
 * @data, @data_len: what follows the 56 bytes (memory, a CONTEXT)
 */
struct kd_manip {
	uint32_t api;
	uint16_t processor_level, processor;
	uint32_t status;
	uint8_t u[40];
	const uint8_t *data;
	size_t data_len;
};

/**
 * struct kd_version - what a GetVersion reply says
 * @major:	high byte 4: the boot debugger (winload), 0: the kernel
 * @build:	MinorVersion: the Windows build number
 * @protocol, @flags, @machine: as sent
 * @kern_base, @ps_loaded_module_list, @debugger_data_list: addresses
 */
struct kd_version {
	uint16_t major, build;
	uint8_t protocol;
	uint16_t flags, machine;
	uint64_t kern_base, ps_loaded_module_list, debugger_data_list;
};

/**
 * struct kd_debug_io - a parsed DBGKD_DEBUG_IO
 * @api:	KD_API_PRINT_STRING or KD_API_GET_STRING
 * @length:	bytes of text that follow (prompt: of the prompt)
 * @reply_max:	prompt: the longest answer taken
 * @text, @text_len: the text as sent (not NUL-terminated; points into
 *		the parsed body)
 */
struct kd_debug_io {
	uint32_t api;
	uint16_t processor_level, processor;
	uint32_t length, reply_max;
	const uint8_t *text;
	size_t text_len;
};

/**
 * struct kd_file_io - a parsed DBGKD_FILE_IO
 * @api:	KD_API_CREATE_FILE, ...
 * @status:	NTSTATUS (a reply's answer)
 * @raw:	the 64 bytes as sent (WinDbg's reply echoes them)
 * @name:	CreateFile: the UTF-16 path that follows, as ASCII ('?' for
 *		anything else), cut to fit
 */
struct kd_file_io {
	uint32_t api;
	uint32_t status;
	uint8_t raw[KD_FILE_IO_LEN];
	char name[KD_NAME_MAX];
};

/**
 * struct kd_bugcheck - a bugcheck as the kernel prints it before breaking
 * @code:	the stop code (0xD1 for DRIVER_IRQL_NOT_LESS_OR_EQUAL)
 * @param:	its four parameters
 * @boot_library: winload's boot library gave up ("*** Fatal Error"),
 *		before the kernel ran; false: the kernel's bugcheck
 */
struct kd_bugcheck {
	uint32_t code;
	uint64_t param[4];
	bool boot_library;
};

int kd_state_change_parse(const uint8_t *body, size_t len,
			  struct kd_state_change *sc);
int kd_state_change_build(const struct kd_state_change *sc, uint8_t *out,
			  size_t cap);
int kd_manip_parse(const uint8_t *body, size_t len, struct kd_manip *m);
int kd_manip_build(const struct kd_manip *m, const uint8_t *data,
		   size_t data_len, uint8_t *out, size_t cap);
int kd_version_parse(const struct kd_manip *m, struct kd_version *v);
void kd_version_build(const struct kd_version *v, struct kd_manip *m);
int kd_debug_io_parse(const uint8_t *body, size_t len, struct kd_debug_io *io);
int kd_debug_io_build(uint32_t api, const char *text, uint32_t reply_max,
		      uint8_t *out, size_t cap);
int kd_file_io_parse(const uint8_t *body, size_t len, struct kd_file_io *f);
int kd_file_io_build(const struct kd_file_io *f, const char *name,
		     uint8_t *out, size_t cap);
bool kd_bugcheck_parse(const uint8_t *text, size_t len, struct kd_bugcheck *b);
int kd_bugcheck_text(const struct kd_bugcheck *b, char *out, size_t cap);
void kd_text_clean(const uint8_t *text, size_t len, char *out, size_t cap);
const char *kd_api_name(uint32_t api);
const char *kd_state_name(uint32_t new_state);
const char *kd_status_name(uint32_t status);
uint64_t kd_le64(const uint8_t *p);
uint32_t kd_le32(const uint8_t *p);
uint16_t kd_le16(const uint8_t *p);
void kd_put_le64(uint8_t *p, uint64_t v);
void kd_put_le32(uint8_t *p, uint32_t v);
void kd_put_le16(uint8_t *p, uint16_t v);

/*
 * What one KD packet says, in words: the one description that kd.log,
 * `kdh decode`, `kdh analyze` and `kdh watch` print.
 */
enum kd_note_kind {
	KD_NOTE_NONE,		/* control packets, bodies not understood */
	KD_NOTE_PRINT,		/* DbgPrint: @text */
	KD_NOTE_PROMPT,		/* DbgPrompt: @text, waits for an answer */
	KD_NOTE_PROMPT_REPLY,	/* the debugger's answer to a prompt */
	KD_NOTE_LOAD,		/* load symbols @name at @base, @size */
	KD_NOTE_UNLOAD,		/* unload @name (@base ~0: all, a reboot) */
	KD_NOTE_EXCEPTION,	/* @sc.code at @sc.pc; a break when 0x80000003 */
	KD_NOTE_COMMAND,	/* a command string state change */
	KD_NOTE_FILE_OPEN,	/* FILE_IO CreateFile @name (.kdfiles) */
	KD_NOTE_FILE_REPLY,	/* the debugger's FILE_IO answer, @status */
	KD_NOTE_MANIP,		/* a manipulate request or reply: @api */
	KD_NOTE_CONTINUE,	/* Continue / Continue2 with @status */
	KD_NOTE_VERSION,	/* a GetVersion reply: @ver */
	KD_NOTE_MALFORMED,	/* a data packet whose body does not parse */
};

/**
 * struct kd_note - see enum kd_note_kind
 * @waits:	the debuggee now waits for the debugger (state change,
 *		prompt, FILE_IO request)
 * @ends_wait:	this answer lets a waiting debuggee go on (continue,
 *		prompt reply, FILE_IO reply)
 */
struct kd_note {
	enum kd_note_kind kind;
	bool from_debugger;
	bool waits, ends_wait;
	uint32_t api, status;
	struct kd_state_change sc;
	struct kd_version ver;
	char name[KD_NAME_MAX];
	char text[KD_TEXT_MAX];
};

void kd_note_of(const struct kd_packet *p, bool from_debugger,
		struct kd_note *n);
int kd_note_str(const struct kd_note *n, char *out, size_t cap);

#endif /* KDH_KD_API_H */
