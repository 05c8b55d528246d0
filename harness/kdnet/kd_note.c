// SPDX-License-Identifier: GPL-2.0-or-later
/* kd_note.c - what one KD packet says, in words
 *
 * Theory of operation: kd_note_of() turns a KD data packet and its
 * direction into a struct kd_note (pure: the packet in, the note out);
 * kd_note_str() writes the one line that kd.log, `kdh decode`, `kdh
 * analyze`, `kdh watch` and `kdh listen` print for it, so every tool says
 * the same thing about the same bytes.  A note also says whether the
 * debuggee now waits for the debugger (a state change, a prompt, a file
 * request: KdpSendWaitContinue and friends) and whether a debugger's
 * packet ends such a wait (a continue, a prompt's answer, a file answer).
 */
#include <stdio.h>
#include <string.h>

#include "kdh/kdnet/kd_api.h"

static const struct {
	uint32_t api;
	const char *name;
} api_names[] = {
	{ KD_API_READ_VIRTUAL, "ReadVirtualMemory" },
	{ KD_API_WRITE_VIRTUAL, "WriteVirtualMemory" },
	{ KD_API_GET_CONTEXT, "GetContext" },
	{ KD_API_SET_CONTEXT, "SetContext" },
	{ KD_API_WRITE_BREAKPOINT, "WriteBreakPoint" },
	{ KD_API_RESTORE_BREAKPOINT, "RestoreBreakPoint" },
	{ KD_API_CONTINUE, "Continue" },
	{ KD_API_READ_CONTROL, "ReadControlSpace" },
	{ KD_API_WRITE_CONTROL, "WriteControlSpace" },
	{ 0x3139, "ReadIoSpace" },
	{ 0x313a, "WriteIoSpace" },
	{ 0x313b, "Reboot" },
	{ KD_API_CONTINUE2, "Continue2" },
	{ 0x313d, "ReadPhysicalMemory" },
	{ 0x313e, "WritePhysicalMemory" },
	{ 0x3140, "SetSpecialCall" },
	{ 0x3141, "ClearSpecialCalls" },
	{ 0x3142, "SetInternalBreakPoint" },
	{ 0x3143, "GetInternalBreakPoint" },
	{ 0x3144, "ReadIoSpaceExtended" },
	{ 0x3145, "WriteIoSpaceExtended" },
	{ KD_API_GET_VERSION, "GetVersion" },
	{ 0x3147, "WriteBreakPointEx" },
	{ 0x3148, "RestoreBreakPointEx" },
	{ 0x3149, "CauseBugCheck" },
	{ 0x3150, "SwitchProcessor" },
	{ 0x3151, "PageIn" },
	{ 0x3152, "ReadMachineSpecificRegister" },
	{ 0x3153, "WriteMachineSpecificRegister" },
	{ 0x3156, "SearchMemory" },
	{ 0x3157, "GetBusData" },
	{ 0x3158, "SetBusData" },
	{ 0x3159, "CheckLowMemory" },
	{ 0x315a, "ClearAllInternalBreakpoints" },
	{ 0x315b, "FillMemory" },
	{ 0x315c, "QueryMemory" },
	{ 0x315d, "SwitchPartition" },
	{ 0x315e, "WriteCustomBreakpoint" },
	{ KD_API_GET_CONTEXT_EX, "GetContextEx" },
	{ 0x3160, "SetContextEx" },
	{ KD_API_PRINT_STRING, "DbgPrint" },
	{ KD_API_GET_STRING, "DbgPrompt" },
	{ KD_API_CREATE_FILE, "CreateFile" },
	{ 0x3431, "ReadFile" },
	{ 0x3432, "WriteFile" },
	{ 0x3433, "CloseFile" },
};

/**
 * kd_api_name() - "GetVersion", "Continue2", "DbgPrint", "CreateFile", ...
 * @api:	ApiNumber of a manipulate, DEBUG_IO or FILE_IO body
 *
 * Return: static string; "API_0x…" is not returned: NULL when unknown
 */
const char *kd_api_name(uint32_t api)
{
	for (size_t i = 0; i < sizeof(api_names) / sizeof(api_names[0]); i++)
		if (api_names[i].api == api)
			return api_names[i].name;
	return NULL;
}

/** kd_state_name() - "exception", "load symbols", "command string" */
const char *kd_state_name(uint32_t new_state)
{
	switch (new_state) {
	case KD_STATE_EXCEPTION:	return "exception";
	case KD_STATE_LOAD_SYMBOLS:	return "load symbols";
	case KD_STATE_COMMAND_STRING:	return "command string";
	}
	return NULL;
}

/** kd_status_name() - the NTSTATUS names KD uses; NULL for others */
const char *kd_status_name(uint32_t status)
{
	switch (status) {
	case KD_STATUS_SUCCESS:		return "STATUS_SUCCESS";
	case KD_STATUS_UNSUCCESSFUL:	return "STATUS_UNSUCCESSFUL";
	case KD_STATUS_NO_SUCH_FILE:	return "STATUS_NO_SUCH_FILE";
	case KD_STATUS_BREAKPOINT:	return "STATUS_BREAKPOINT";
	case KD_STATUS_SINGLE_STEP:	return "STATUS_SINGLE_STEP";
	case KD_STATUS_ASSERTION:	return "STATUS_ASSERTION_FAILURE";
	case KD_DBG_EXCEPTION_HANDLED:	return "DBG_EXCEPTION_HANDLED";
	case KD_DBG_CONTINUE:		return "DBG_CONTINUE";
	case KD_DBG_NOT_HANDLED:	return "DBG_EXCEPTION_NOT_HANDLED";
	case 0x00000103:		return "STATUS_PENDING";
	}
	return NULL;
}

static void note_state_change(const struct kd_packet *p, struct kd_note *n)
{
	struct kd_state_change *sc = &n->sc;

	if (kd_state_change_parse(p->data, p->count, sc) ||
	    !kd_state_name(sc->new_state)) {
		n->kind = KD_NOTE_MALFORMED;
		return;
	}
	n->waits = true;
	snprintf(n->name, sizeof(n->name), "%s", sc->name);
	if (sc->new_state == KD_STATE_EXCEPTION)
		n->kind = KD_NOTE_EXCEPTION;
	else if (sc->new_state == KD_STATE_COMMAND_STRING)
		n->kind = KD_NOTE_COMMAND;
	else
		n->kind = sc->unload ? KD_NOTE_UNLOAD : KD_NOTE_LOAD;
	n->status = sc->code;
}

static void note_manip(const struct kd_packet *p, bool from_debugger,
		       struct kd_note *n)
{
	struct kd_manip m;

	if (kd_manip_parse(p->data, p->count, &m)) {
		n->kind = KD_NOTE_MALFORMED;
		return;
	}
	n->api = m.api;
	n->status = m.status;
	n->kind = KD_NOTE_MANIP;
	if (from_debugger && (m.api == KD_API_CONTINUE ||
			      m.api == KD_API_CONTINUE2)) {
		n->kind = KD_NOTE_CONTINUE;
		n->status = kd_le32(m.u);	/* ContinueStatus */
		n->ends_wait = true;
	} else if (!from_debugger && m.api == KD_API_GET_VERSION &&
		   !kd_version_parse(&m, &n->ver)) {
		n->kind = KD_NOTE_VERSION;
	}
}

static void note_debug_io(const struct kd_packet *p, bool from_debugger,
			  struct kd_note *n)
{
	struct kd_debug_io io;

	if (kd_debug_io_parse(p->data, p->count, &io) ||
	    (io.api != KD_API_PRINT_STRING && io.api != KD_API_GET_STRING)) {
		n->kind = KD_NOTE_MALFORMED;
		return;
	}
	n->api = io.api;
	kd_text_clean(io.text, io.text_len, n->text, sizeof(n->text));
	if (from_debugger) {
		n->kind = KD_NOTE_PROMPT_REPLY;
		n->ends_wait = io.api == KD_API_GET_STRING;
	} else if (io.api == KD_API_GET_STRING) {
		n->kind = KD_NOTE_PROMPT;
		n->waits = true;
	} else {
		n->kind = KD_NOTE_PRINT;
	}
}

static void note_file_io(const struct kd_packet *p, bool from_debugger,
			 struct kd_note *n)
{
	struct kd_file_io f;

	if (kd_file_io_parse(p->data, p->count, &f)) {
		n->kind = KD_NOTE_MALFORMED;
		return;
	}
	n->api = f.api;
	n->status = f.status;
	snprintf(n->name, sizeof(n->name), "%s", f.name);
	n->kind = from_debugger ? KD_NOTE_FILE_REPLY : KD_NOTE_FILE_OPEN;
	n->waits = !from_debugger;
	n->ends_wait = from_debugger;
}

/**
 * kd_note_of() - what a KD packet says
 * @p:		a parsed KD packet (any leader)
 * @from_debugger: its direction
 * @n:		output; KD_NOTE_NONE for control packets and data packets
 *		of other types
 */
void kd_note_of(const struct kd_packet *p, bool from_debugger,
		struct kd_note *n)
{
	memset(n, 0, sizeof(*n));
	n->from_debugger = from_debugger;
	if (p->leader != KD_LEADER_DATA)
		return;
	switch (p->type) {
	case KD_TYPE_STATE_CHANGE64:
		if (!from_debugger)
			note_state_change(p, n);
		break;
	case KD_TYPE_STATE_MANIPULATE:
		note_manip(p, from_debugger, n);
		break;
	case KD_TYPE_DEBUG_IO:
		note_debug_io(p, from_debugger, n);
		break;
	case KD_TYPE_FILE_IO:
		note_file_io(p, from_debugger, n);
		break;
	}
}

/* "STATUS_NO_SUCH_FILE" or "0x…" */
static const char *status_str(uint32_t s, char *buf, size_t len)
{
	const char *name = kd_status_name(s);

	if (name)
		return name;
	snprintf(buf, len, "0x%08x", s);
	return buf;
}

static int exception_str(const struct kd_note *n, char *out, size_t cap)
{
	const struct kd_state_change *sc = &n->sc;
	const char *what = sc->code == KD_STATUS_BREAKPOINT ? "break" :
			   sc->code == KD_STATUS_ASSERTION ? "assertion" :
			   "exception";
	char st[16];

	return snprintf(out, cap, "%s: %s at 0x%llx%s%s", what,
			status_str(sc->code, st, sizeof(st)),
			(unsigned long long)sc->pc,
			sc->istream_len && sc->istream[0] == KD_INT3 ?
			" (int3)" : "",
			sc->first_chance ? "" : ", second chance");
}

static int manip_str(const struct kd_note *n, char *out, size_t cap)
{
	const char *api = kd_api_name(n->api);
	char st[16], num[16];

	if (!api) {
		snprintf(num, sizeof(num), "API 0x%04x", n->api);
		api = num;
	}
	if (n->kind == KD_NOTE_CONTINUE)
		return snprintf(out, cap, "%s %s", api,
				status_str(n->status, st, sizeof(st)));
	if (n->kind == KD_NOTE_VERSION)
		return snprintf(out, cap, "GetVersion reply: build %u, %s, "
				"kernel base 0x%llx", n->ver.build,
				n->ver.major >> 8 == 4 ? "boot debugger" :
				"kernel", (unsigned long long)n->ver.kern_base);
	if (n->from_debugger)
		return snprintf(out, cap, "%s", api);
	return snprintf(out, cap, "%s reply %s", api,
			status_str(n->status, st, sizeof(st)));
}

/**
 * kd_note_str() - the one line kdh prints for a note
 * @n:		note
 * @out, @cap:	output (cut to fit)
 *
 * Return: snprintf()'s; 0 and "" for KD_NOTE_NONE
 */
int kd_note_str(const struct kd_note *n, char *out, size_t cap)
{
	char st[16];

	switch (n->kind) {
	case KD_NOTE_NONE:
		break;
	case KD_NOTE_PRINT:
		return snprintf(out, cap, "DbgPrint \"%s\"", n->text);
	case KD_NOTE_PROMPT:
		return snprintf(out, cap, "DbgPrompt \"%s\"", n->text);
	case KD_NOTE_PROMPT_REPLY:
		return snprintf(out, cap, "DbgPrompt answer \"%s\"", n->text);
	case KD_NOTE_LOAD:
		return snprintf(out, cap, "load symbols %s at 0x%llx size 0x%x",
				n->name[0] ? n->name : "(no name)",
				(unsigned long long)n->sc.base, n->sc.size);
	case KD_NOTE_UNLOAD:
		if (n->sc.base == UINT64_MAX)
			return snprintf(out, cap, "unload all symbols (the "
					"guest is going to reboot)");
		return snprintf(out, cap, "unload symbols %s at 0x%llx",
				n->name[0] ? n->name : "(no name)",
				(unsigned long long)n->sc.base);
	case KD_NOTE_EXCEPTION:
		return exception_str(n, out, cap);
	case KD_NOTE_COMMAND:
		return snprintf(out, cap, "command string \"%s\"", n->name);
	case KD_NOTE_FILE_OPEN:
		return snprintf(out, cap, "CreateFile %s", n->name);
	case KD_NOTE_FILE_REPLY:
		return snprintf(out, cap, "%s answer %s",
				kd_api_name(n->api) ? kd_api_name(n->api) :
				"FILE_IO", status_str(n->status, st, sizeof(st)));
	case KD_NOTE_MANIP:
	case KD_NOTE_CONTINUE:
	case KD_NOTE_VERSION:
		return manip_str(n, out, cap);
	case KD_NOTE_MALFORMED:
		return snprintf(out, cap, "malformed body");
	}
	if (cap)
		out[0] = '\0';
	return 0;
}
