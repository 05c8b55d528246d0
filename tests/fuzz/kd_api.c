// SPDX-License-Identifier: GPL-2.0-or-later
/* kd_api.c - libFuzzer harness: the KD body codecs (kd_state_change_parse,
 * kd_manip_parse + kd_version_parse, kd_debug_io_parse, kd_file_io_parse,
 * kd_bugcheck_parse) and what a packet says (kd_note_of + kd_note_str) on
 * any bytes.  The first byte picks the packet type kd_note_of() sees
 * (bits 0-1: STATE_CHANGE64, MANIPULATE, DEBUG_IO, FILE_IO) and its
 * direction (bit 2: from the debugger); the rest is the body, in a buffer
 * of its exact size, so ASan sees any read past it.
 * Invariants: a parse succeeds exactly when the body holds the fixed
 * part; what it points at lies inside the body; every string it keeps and
 * every line kd_note_str() writes is NUL-terminated, within its buffer
 * and printable; only the debuggee waits, only the debugger ends a wait. */
#include "fuzz.h"
#include "kdh/kdnet/kd_api.h"

static void printable(const char *s, size_t cap, const char *what)
{
	size_t n = strnlen(s, cap);

	FUZZ_CHECK(n < cap, "%s: not NUL-terminated within %zu", what, cap);
	for (size_t i = 0; i < n; i++)
		FUZZ_CHECK(s[i] >= 0x20 && s[i] < 0x7f, "%s: byte 0x%02x at %zu",
			   what, (unsigned char)s[i], i);
}

static void bodies_check(const uint8_t *b, size_t len)
{
	struct kd_state_change sc;
	struct kd_manip m;
	struct kd_version v;
	struct kd_debug_io io;
	struct kd_file_io f;
	struct kd_bugcheck bc;
	char text[200];

	FUZZ_CHECK(!kd_state_change_parse(b, len, &sc) == (len >= KD_STATE_LEN),
		   "state change of %zu bytes", len);
	printable(sc.name, sizeof(sc.name), "state change name");
	FUZZ_CHECK(sc.istream_len <= sizeof(sc.istream), "istream %u",
		   sc.istream_len);
	if (!kd_manip_parse(b, len, &m)) {
		FUZZ_CHECK(len >= KD_MANIP_LEN && m.data == b + KD_MANIP_LEN &&
			   m.data_len == len - KD_MANIP_LEN, "manip data");
		kd_version_parse(&m, &v);
	} else {
		FUZZ_CHECK(len < KD_MANIP_LEN, "manip of %zu bytes fails", len);
	}
	if (!kd_debug_io_parse(b, len, &io))
		FUZZ_CHECK(io.text >= b + KD_DEBUG_IO_LEN && io.text_len <= len &&
			   io.text + io.text_len <= b + len, "text past the body");
	if (!kd_file_io_parse(b, len, &f))
		printable(f.name, sizeof(f.name), "file name");
	if (kd_bugcheck_parse(b, len, &bc)) {
		FUZZ_CHECK(kd_bugcheck_text(&bc, text, sizeof(text)) > 0, "text");
		printable(text, sizeof(text), "bugcheck text");
	}
}

static void note_check(const uint8_t *b, size_t len, uint8_t sel)
{
	static const uint16_t types[] = { KD_TYPE_STATE_CHANGE64,
		KD_TYPE_STATE_MANIPULATE, KD_TYPE_DEBUG_IO, KD_TYPE_FILE_IO };
	struct kd_packet p = { .leader = KD_LEADER_DATA, .type = types[sel & 3],
			       .count = (uint16_t)(len > 0xffff ? 0xffff : len),
			       .checksum_ok = true, .data = b };
	bool from_debugger = sel & 4;
	struct kd_note n;
	char line[KD_TEXT_MAX + KD_NAME_MAX + 64], small[8];
	int rc;

	kd_note_of(&p, from_debugger, &n);
	FUZZ_CHECK(!(n.waits && from_debugger), "the debugger waits");
	FUZZ_CHECK(!(n.ends_wait && !from_debugger), "the debuggee answers");
	printable(n.name, sizeof(n.name), "note name");
	printable(n.text, sizeof(n.text), "note text");
	rc = kd_note_str(&n, line, sizeof(line));
	FUZZ_CHECK(rc >= 0, "kd_note_str %d", rc);
	printable(line, sizeof(line), "note line");
	kd_note_str(&n, small, sizeof(small));
	printable(small, sizeof(small), "cut note line");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *b;

	if (!size)
		return 0;
	b = fuzz_dup(data + 1, size - 1);
	bodies_check(b, size - 1);
	note_check(b, size - 1, data[0]);
	free(b);
	return 0;
}
