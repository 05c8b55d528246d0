// SPDX-License-Identifier: GPL-2.0-or-later
/* kd_api.c - the bodies of KD data packets: parse and build
 *
 * Theory of operation: every body is little-endian x64 as Windows sends
 * it (docs/kd-engine.md, after ReactOS' windbgkd.h and the bundled WinDbg
 * capture).  A parse reads nothing past @len: a body shorter than its
 * fixed part is -EINVAL, a string that follows is cut at @len and at its
 * buffer and made printable.  Builders write the fixed part, zero where
 * WinDbg leaves stack garbage, and fail with -ENOSPC rather than cut.
 * The bugcheck text, "*** Fatal System Error: 0x000000d1\n (0x…,0x…,0x…,
 * 0x…)", is the kernel's (ke/bug.c); winload's boot library prints
 * "*** Fatal Error 0x00000001 :\n (0x…, 0x…, 0x…, 0x…)" instead.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kdh/kdnet/kd_api.h"

/** kd_le16() - a little-endian u16 at @p */
uint16_t kd_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

/** kd_le32() - a little-endian u32 at @p */
uint32_t kd_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/** kd_le64() - a little-endian u64 at @p */
uint64_t kd_le64(const uint8_t *p)
{
	return (uint64_t)kd_le32(p) | (uint64_t)kd_le32(p + 4) << 32;
}

/** kd_put_le16() - store @v little-endian at @p */
void kd_put_le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

/** kd_put_le32() - store @v little-endian at @p */
void kd_put_le32(uint8_t *p, uint32_t v)
{
	kd_put_le16(p, (uint16_t)v);
	kd_put_le16(p + 2, (uint16_t)(v >> 16));
}

/** kd_put_le64() - store @v little-endian at @p */
void kd_put_le64(uint8_t *p, uint64_t v)
{
	kd_put_le32(p, (uint32_t)v);
	kd_put_le32(p + 4, (uint32_t)(v >> 32));
}

/**
 * kd_text_clean() - bytes from a packet as one printable line
 * @text, @len:	the bytes (not NUL-terminated)
 * @out, @cap:	output, always NUL-terminated when @cap > 0
 *
 * Stops at a NUL; a newline or tab becomes a space (leading and trailing
 * ones are dropped), any other control or non-ASCII byte a '?'.
 */
void kd_text_clean(const uint8_t *text, size_t len, char *out, size_t cap)
{
	size_t n = 0;
	bool space = false;

	if (!cap)
		return;
	for (size_t i = 0; i < len && text[i] && n + 1 < cap; i++) {
		uint8_t c = text[i];

		if (c == '\n' || c == '\r' || c == '\t' || c == ' ') {
			space = n > 0;
			continue;
		}
		if (space && n + 2 < cap)
			out[n++] = ' ';
		space = false;
		out[n++] = c >= 0x20 && c < 0x7f ? (char)c : '?';
	}
	out[n] = '\0';
}

/**
 * kd_state_change_parse() - DBGKD_ANY_WAIT_STATE_CHANGE (x64)
 * @body, @len:	the KD packet's data
 * @sc:		output
 *
 * Return: 0, or -EINVAL when shorter than KD_STATE_LEN
 */
int kd_state_change_parse(const uint8_t *body, size_t len,
			  struct kd_state_change *sc)
{
	memset(sc, 0, sizeof(*sc));
	if (len < KD_STATE_LEN)
		return -EINVAL;
	sc->new_state = kd_le32(body);
	sc->processor_level = kd_le16(body + 4);
	sc->processor = kd_le16(body + 6);
	sc->n_processors = kd_le32(body + 8);
	sc->thread = kd_le64(body + 16);
	sc->pc = kd_le64(body + 24);
	if (sc->new_state == KD_STATE_EXCEPTION) {
		sc->code = kd_le32(body + 32);
		sc->flags = kd_le32(body + 36);
		sc->address = kd_le64(body + 48);
		sc->n_params = kd_le32(body + 56);
		for (int i = 0; i < 4; i++)
			sc->info[i] = kd_le64(body + 64 + 8 * i);
		sc->first_chance = kd_le32(body + 184);
	} else if (sc->new_state == KD_STATE_LOAD_SYMBOLS) {
		sc->base = kd_le64(body + 40);
		sc->checksum = kd_le32(body + 56);
		sc->size = kd_le32(body + 60);
		sc->unload = body[64] != 0;
	}
	sc->istream_len = kd_le16(body + 212);
	if (sc->istream_len > sizeof(sc->istream))
		sc->istream_len = sizeof(sc->istream);
	memcpy(sc->istream, body + 216, sizeof(sc->istream));
	kd_text_clean(body + KD_STATE_LEN, len - KD_STATE_LEN, sc->name,
		      sizeof(sc->name));
	return 0;
}

/**
 * kd_state_change_build() - a state change as the debuggee sends it
 * @sc:		what to report; @sc->name follows the 240 bytes when set
 *		(with its NUL, as Windows sends it)
 * @out, @cap:	output
 *
 * Return: bytes written, or -ENOSPC
 */
int kd_state_change_build(const struct kd_state_change *sc, uint8_t *out,
			  size_t cap)
{
	size_t name = sc->name[0] ? strlen(sc->name) + 1 : 0;

	if (cap < KD_STATE_LEN + name)
		return -ENOSPC;
	memset(out, 0, KD_STATE_LEN);
	kd_put_le32(out, sc->new_state);
	kd_put_le16(out + 4, sc->processor_level);
	kd_put_le16(out + 6, sc->processor);
	kd_put_le32(out + 8, sc->n_processors);
	kd_put_le64(out + 16, sc->thread);
	kd_put_le64(out + 24, sc->pc);
	if (sc->new_state == KD_STATE_EXCEPTION) {
		kd_put_le32(out + 32, sc->code);
		kd_put_le32(out + 36, sc->flags);
		kd_put_le64(out + 48, sc->address);
		kd_put_le32(out + 56, sc->n_params);
		for (int i = 0; i < 4; i++)
			kd_put_le64(out + 64 + 8 * i, sc->info[i]);
		kd_put_le32(out + 184, sc->first_chance);
	} else if (sc->new_state == KD_STATE_LOAD_SYMBOLS) {
		kd_put_le32(out + 32, (uint32_t)name);
		kd_put_le64(out + 40, sc->base);
		kd_put_le64(out + 48, UINT64_MAX);	/* ProcessId: system */
		kd_put_le32(out + 56, sc->checksum);
		kd_put_le32(out + 60, sc->size);
		out[64] = sc->unload;
	}
	kd_put_le64(out + 200, 0x400);		/* Dr7, as in the capture */
	kd_put_le16(out + 212, sc->istream_len);
	memcpy(out + 216, sc->istream, sizeof(sc->istream));
	memcpy(out + KD_STATE_LEN, sc->name, name);
	return (int)(KD_STATE_LEN + name);
}

/**
 * kd_manip_parse() - DBGKD_MANIPULATE_STATE64
 * @body, @len:	the KD packet's data
 * @m:		output; @m->data points into @body
 *
 * Return: 0, or -EINVAL when shorter than KD_MANIP_LEN
 */
int kd_manip_parse(const uint8_t *body, size_t len, struct kd_manip *m)
{
	memset(m, 0, sizeof(*m));
	if (len < KD_MANIP_LEN)
		return -EINVAL;
	m->api = kd_le32(body);
	m->processor_level = kd_le16(body + 4);
	m->processor = kd_le16(body + 6);
	m->status = kd_le32(body + 8);
	memcpy(m->u, body + 16, sizeof(m->u));
	m->data = body + KD_MANIP_LEN;
	m->data_len = len - KD_MANIP_LEN;
	return 0;
}

/**
 * kd_manip_build() - a manipulate request or reply
 * @m:		api, processor, status and union (@m->data is ignored)
 * @data, @data_len: what follows the 56 bytes, may be NULL / 0
 * @out, @cap:	output
 *
 * Return: bytes written, or -ENOSPC
 */
int kd_manip_build(const struct kd_manip *m, const uint8_t *data,
		   size_t data_len, uint8_t *out, size_t cap)
{
	if (cap < KD_MANIP_LEN || data_len > cap - KD_MANIP_LEN)
		return -ENOSPC;
	memset(out, 0, KD_MANIP_LEN);
	kd_put_le32(out, m->api);
	kd_put_le16(out + 4, m->processor_level);
	kd_put_le16(out + 6, m->processor);
	kd_put_le32(out + 8, m->status);
	memcpy(out + 16, m->u, sizeof(m->u));
	if (data_len)
		memcpy(out + KD_MANIP_LEN, data, data_len);
	return (int)(KD_MANIP_LEN + data_len);
}

/**
 * kd_version_parse() - the union of a GetVersion reply
 * @m:		a parsed manipulate packet
 * @v:		output
 *
 * Return: 0, or -EINVAL when @m is no GetVersion
 */
int kd_version_parse(const struct kd_manip *m, struct kd_version *v)
{
	memset(v, 0, sizeof(*v));
	if (m->api != KD_API_GET_VERSION)
		return -EINVAL;
	v->major = kd_le16(m->u);
	v->build = kd_le16(m->u + 2);
	v->protocol = m->u[4];
	v->flags = kd_le16(m->u + 6);
	v->machine = kd_le16(m->u + 8);
	v->kern_base = kd_le64(m->u + 16);
	v->ps_loaded_module_list = kd_le64(m->u + 24);
	v->debugger_data_list = kd_le64(m->u + 32);
	return 0;
}

/**
 * kd_version_build() - fill @m's union as a GetVersion reply
 * @v:		the version to report
 * @m:		manipulate packet (api and status set too)
 */
void kd_version_build(const struct kd_version *v, struct kd_manip *m)
{
	m->api = KD_API_GET_VERSION;
	m->status = KD_STATUS_SUCCESS;
	memset(m->u, 0, sizeof(m->u));
	kd_put_le16(m->u, v->major);
	kd_put_le16(m->u + 2, v->build);
	m->u[4] = v->protocol;
	kd_put_le16(m->u + 6, v->flags);
	kd_put_le16(m->u + 8, v->machine);
	kd_put_le64(m->u + 16, v->kern_base);
	kd_put_le64(m->u + 24, v->ps_loaded_module_list);
	kd_put_le64(m->u + 32, v->debugger_data_list);
}

/**
 * kd_debug_io_parse() - DBGKD_DEBUG_IO
 * @body, @len:	the KD packet's data
 * @io:		output; @io->text points into @body, at most the bytes there
 *
 * Return: 0, or -EINVAL when shorter than its header
 */
int kd_debug_io_parse(const uint8_t *body, size_t len, struct kd_debug_io *io)
{
	memset(io, 0, sizeof(*io));
	if (len < KD_DEBUG_IO_LEN)
		return -EINVAL;
	io->api = kd_le32(body);
	io->processor_level = kd_le16(body + 4);
	io->processor = kd_le16(body + 6);
	io->length = kd_le32(body + 8);
	io->reply_max = kd_le32(body + 12);
	io->text = body + KD_DEBUG_IO_LEN;
	io->text_len = len - KD_DEBUG_IO_LEN;
	if (io->length < io->text_len)
		io->text_len = io->length;
	return 0;
}

/**
 * kd_debug_io_build() - a DbgPrint (or DbgPrompt, or its answer)
 * @api:	KD_API_PRINT_STRING or KD_API_GET_STRING
 * @text:	the string, sent without its NUL
 * @reply_max:	prompt: the longest answer taken (0 for a print or answer)
 * @out, @cap:	output
 *
 * Return: bytes written, or -ENOSPC
 */
int kd_debug_io_build(uint32_t api, const char *text, uint32_t reply_max,
		      uint8_t *out, size_t cap)
{
	size_t n = strlen(text);

	if (cap < KD_DEBUG_IO_LEN || n > cap - KD_DEBUG_IO_LEN)
		return -ENOSPC;
	memset(out, 0, KD_DEBUG_IO_LEN);
	kd_put_le32(out, api);
	kd_put_le32(out + 8, (uint32_t)n);
	kd_put_le32(out + 12, reply_max);
	memcpy(out + KD_DEBUG_IO_LEN, text, n);
	return (int)(KD_DEBUG_IO_LEN + n);
}

/* A UTF-16LE path as ASCII, '?' for anything else, up to a NUL */
static void utf16_ascii(const uint8_t *p, size_t len, char *out, size_t cap)
{
	size_t n = 0;

	for (size_t i = 0; i + 1 < len && n + 1 < cap; i += 2) {
		uint16_t c = kd_le16(p + i);

		if (!c)
			break;
		out[n++] = c >= 0x20 && c < 0x7f ? (char)c : '?';
	}
	out[n] = '\0';
}

/**
 * kd_file_io_parse() - DBGKD_FILE_IO
 * @body, @len:	the KD packet's data
 * @f:		output
 *
 * Return: 0, or -EINVAL when shorter than KD_FILE_IO_LEN
 */
int kd_file_io_parse(const uint8_t *body, size_t len, struct kd_file_io *f)
{
	memset(f, 0, sizeof(*f));
	if (len < KD_FILE_IO_LEN)
		return -EINVAL;
	f->api = kd_le32(body);
	f->status = kd_le32(body + 4);
	memcpy(f->raw, body, KD_FILE_IO_LEN);
	utf16_ascii(body + KD_FILE_IO_LEN, len - KD_FILE_IO_LEN, f->name,
		    sizeof(f->name));
	return 0;
}

/**
 * kd_file_io_build() - a FILE_IO request or answer
 * @f:		@f->raw is the 64-byte header (a request's, echoed in the
 *		answer as WinDbg does), with @f->api and @f->status put in
 * @name:	request: the path, sent as UTF-16LE with its NUL; NULL for
 *		an answer
 * @out, @cap:	output
 *
 * Return: bytes written, or -ENOSPC
 */
int kd_file_io_build(const struct kd_file_io *f, const char *name,
		     uint8_t *out, size_t cap)
{
	size_t n = name ? 2 * (strlen(name) + 1) : 0;

	if (cap < KD_FILE_IO_LEN || n > cap - KD_FILE_IO_LEN)
		return -ENOSPC;
	memcpy(out, f->raw, KD_FILE_IO_LEN);
	kd_put_le32(out, f->api);
	kd_put_le32(out + 4, f->status);
	for (size_t i = 0; i < n / 2; i++)
		kd_put_le16(out + KD_FILE_IO_LEN + 2 * i,
			    (uint8_t)name[i]);	/* the NUL included */
	return (int)(KD_FILE_IO_LEN + n);
}

/* "0x1f" at *s (or bare hex): the value, *s moved past it */
static bool hex_take(const char **s, uint64_t *v)
{
	char *end;

	while (**s == ' ' || **s == '\t' || **s == '\n' || **s == '\r')
		(*s)++;
	if ((*s)[0] != '0' || ((*s)[1] != 'x' && (*s)[1] != 'X'))
		return false;
	*v = strtoull(*s, &end, 16);
	if (end == *s + 2)
		return false;
	*s = end;
	return true;
}

/**
 * kd_bugcheck_parse() - the stop code and parameters of a bugcheck text
 * @text, @len:	a DbgPrint's text
 * @b:		output
 *
 * Return: true for the kernel's "*** Fatal System Error: 0x… (4 params)"
 * or the boot library's "*** Fatal Error 0x… : (4 params)"
 */
bool kd_bugcheck_parse(const uint8_t *text, size_t len, struct kd_bugcheck *b)
{
	static const char *const heads[] = { "*** Fatal System Error: ",
					      "*** Fatal Error " };
	char buf[KD_TEXT_MAX];
	const char *s = NULL;
	uint64_t code;

	memset(b, 0, sizeof(*b));
	len = len < sizeof(buf) - 1 ? len : sizeof(buf) - 1;
	memcpy(buf, text, len);
	buf[len] = '\0';
	for (size_t i = 0; i < 2 && !s; i++)
		if ((s = strstr(buf, heads[i]))) {
			s += strlen(heads[i]);
			b->boot_library = i == 1;
		}
	if (!s || !hex_take(&s, &code) || code > UINT32_MAX)
		return false;
	s = strchr(s, '(');
	if (!s)
		return false;
	s++;
	for (int i = 0; i < 4; i++) {
		if (!hex_take(&s, &b->param[i]))
			return false;
		while (*s == ' ')
			s++;
		if (*s != (i < 3 ? ',' : ')'))
			return false;
		s++;
	}
	b->code = (uint32_t)code;
	return true;
}

/**
 * kd_bugcheck_text() - "0x000000D1 (0x…, 0x…, 0x…, 0x…)"
 * @b:		bugcheck
 * @out, @cap:	output
 *
 * Return: snprintf()'s
 */
int kd_bugcheck_text(const struct kd_bugcheck *b, char *out, size_t cap)
{
	return snprintf(out, cap, "0x%08X (0x%llX, 0x%llX, 0x%llX, 0x%llX)",
			b->code, (unsigned long long)b->param[0],
			(unsigned long long)b->param[1],
			(unsigned long long)b->param[2],
			(unsigned long long)b->param[3]);
}
