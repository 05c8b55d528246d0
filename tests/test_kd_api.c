// SPDX-License-Identifier: GPL-2.0-or-later
/* test_kd_api.c - KD bodies: state changes, manipulates, DEBUG_IO, FILE_IO,
 * the bugcheck text, and the one line kdh prints for each */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "kdh/kdnet/kd_api.h"

static struct kd_packet packet(uint16_t type, const uint8_t *body, int len)
{
	struct kd_packet p = { .leader = KD_LEADER_DATA, .type = type,
			       .count = (uint16_t)len, .checksum_ok = true,
			       .data = body };

	cr_assert_gt(len, 0);
	return p;
}

Test(kd_api, load_symbols_round_trip_and_note)
{
	struct kd_state_change sc = { .new_state = KD_STATE_LOAD_SYMBOLS,
		.n_processors = 2, .pc = 0xfffff80312340000ull,
		.base = 0xfffff80312000000ull, .size = 0x1046000,
		.checksum = 0x1234 };
	struct kd_state_change back;
	struct kd_note n;
	struct kd_packet p;
	uint8_t body[300];
	char line[200];
	int len;

	snprintf(sc.name, sizeof(sc.name), "ntoskrnl.exe");
	len = kd_state_change_build(&sc, body, sizeof(body));
	cr_assert_eq(len, KD_STATE_LEN + 13);
	cr_assert_eq(kd_le32(body + 32), 13, "PathNameLength counts the NUL");
	cr_assert_eq(kd_state_change_parse(body, (size_t)len, &back), 0);
	cr_assert_eq(back.base, sc.base);
	cr_assert_eq(back.size, sc.size);
	cr_assert_str_eq(back.name, "ntoskrnl.exe");
	cr_assert_not(back.unload);
	p = packet(KD_TYPE_STATE_CHANGE64, body, len);
	kd_note_of(&p, false, &n);
	cr_assert_eq(n.kind, KD_NOTE_LOAD);
	cr_assert(n.waits);
	kd_note_str(&n, line, sizeof(line));
	cr_assert_str_eq(line, "load symbols ntoskrnl.exe at 0xfffff80312000000 "
			 "size 0x1046000");
	cr_assert_eq(kd_state_change_build(&sc, body, KD_STATE_LEN), -ENOSPC);
}

Test(kd_api, short_bodies_fail_and_names_are_printable)
{
	uint8_t body[KD_STATE_LEN + 8] = { 0x31, 0x30 };
	struct kd_state_change sc;
	struct kd_manip m;
	struct kd_debug_io io;
	struct kd_file_io f;

	cr_assert_eq(kd_state_change_parse(body, KD_STATE_LEN - 1, &sc), -EINVAL);
	cr_assert_eq(kd_manip_parse(body, KD_MANIP_LEN - 1, &m), -EINVAL);
	cr_assert_eq(kd_debug_io_parse(body, KD_DEBUG_IO_LEN - 1, &io), -EINVAL);
	cr_assert_eq(kd_file_io_parse(body, KD_FILE_IO_LEN - 1, &f), -EINVAL);
	memcpy(body + KD_STATE_LEN, "a\x01\xff\nb\tc", 8);	/* no NUL */
	cr_assert_eq(kd_state_change_parse(body, sizeof(body), &sc), 0);
	cr_assert_str_eq(sc.name, "a?? b c");
}

Test(kd_api, debug_io_length_bounded_by_the_body)
{
	uint8_t body[64];
	struct kd_debug_io io;
	int n = kd_debug_io_build(KD_API_PRINT_STRING, "hello\n", 0, body,
				  sizeof(body));

	cr_assert_eq(n, 22);
	kd_put_le32(body + 8, 5000);		/* claims more than is there */
	cr_assert_eq(kd_debug_io_parse(body, (size_t)n, &io), 0);
	cr_assert_eq(io.text_len, 6);
	cr_assert_eq(kd_debug_io_build(KD_API_PRINT_STRING, "hello", 0, body, 20),
		     -ENOSPC);
}

Test(kd_api, file_io_name_and_answer)
{
	struct kd_file_io f = { .api = KD_API_CREATE_FILE }, back;
	uint8_t body[200];
	struct kd_packet p;
	struct kd_note n;
	char line[160];
	int len;

	kd_put_le32(f.raw + 8, 0x120089);		/* as in the capture */
	len = kd_file_io_build(&f, "\\SystemRoot\\system32\\drivers\\pci.sys",
			       body, sizeof(body));
	cr_assert_eq(len, 64 + 2 * 37);
	cr_assert_eq(kd_file_io_parse(body, (size_t)len, &back), 0);
	cr_assert_str_eq(back.name, "\\SystemRoot\\system32\\drivers\\pci.sys");
	p = packet(KD_TYPE_FILE_IO, body, len);
	kd_note_of(&p, false, &n);
	cr_assert_eq(n.kind, KD_NOTE_FILE_OPEN);
	cr_assert(n.waits);
	back.status = KD_STATUS_NO_SUCH_FILE;
	len = kd_file_io_build(&back, NULL, body, sizeof(body));
	cr_assert_eq(len, 64);
	cr_assert_eq(kd_le32(body + 8), 0x120089, "the request echoed");
	p = packet(KD_TYPE_FILE_IO, body, len);
	kd_note_of(&p, true, &n);
	cr_assert(n.ends_wait);
	kd_note_str(&n, line, sizeof(line));
	cr_assert_str_eq(line, "CreateFile answer STATUS_NO_SUCH_FILE");
}

Test(kd_api, version_round_trip)
{
	struct kd_version v = { .major = 0x000f, .build = 26100, .protocol = 6,
				.machine = 0x8664,
				.kern_base = 0xfffff80312000000ull }, back;
	struct kd_manip m = { 0 }, parsed;
	uint8_t body[KD_MANIP_LEN];
	struct kd_packet p;
	struct kd_note n;
	char line[160];

	kd_version_build(&v, &m);
	cr_assert_eq(kd_manip_build(&m, NULL, 0, body, sizeof(body)), KD_MANIP_LEN);
	cr_assert_eq(kd_manip_parse(body, sizeof(body), &parsed), 0);
	cr_assert_eq(kd_version_parse(&parsed, &back), 0);
	cr_assert_eq(back.build, 26100);
	cr_assert_eq(back.kern_base, v.kern_base);
	p = packet(KD_TYPE_STATE_MANIPULATE, body, KD_MANIP_LEN);
	kd_note_of(&p, false, &n);
	cr_assert_eq(n.kind, KD_NOTE_VERSION);
	kd_note_str(&n, line, sizeof(line));
	cr_assert_str_eq(line, "GetVersion reply: build 26100, kernel, kernel "
			 "base 0xfffff80312000000");
}

Test(kd_api, continue_is_named_with_its_status)
{
	struct kd_manip m = { .api = KD_API_CONTINUE2,
			      .status = KD_DBG_EXCEPTION_HANDLED };
	uint8_t body[KD_MANIP_LEN];
	struct kd_packet p;
	struct kd_note n;
	char line[80];

	kd_put_le32(m.u, KD_DBG_EXCEPTION_HANDLED);
	kd_manip_build(&m, NULL, 0, body, sizeof(body));
	p = packet(KD_TYPE_STATE_MANIPULATE, body, KD_MANIP_LEN);
	kd_note_of(&p, true, &n);
	cr_assert_eq(n.kind, KD_NOTE_CONTINUE);
	cr_assert(n.ends_wait);
	kd_note_str(&n, line, sizeof(line));
	cr_assert_str_eq(line, "Continue2 DBG_EXCEPTION_HANDLED");
	cr_assert_str_eq(kd_api_name(0x3130), "ReadVirtualMemory");
	cr_assert_null(kd_api_name(0x1234));
}

Test(kd_api, bugcheck_texts_kernel_and_boot_library)
{
	static const char kernel[] = "\n*** Fatal System Error: 0x000000d1\n"
		"                       (0x0000000000000000,0x0000000000000002,"
		"0x0000000000000000,0xFFFFF80312345678)\n\n";
	static const char bootlib[] = "\n*** Fatal Error 0x00000001 :\n"
		"                (0x0000000000000001, 0xFFFFF8017BC91A70, "
		"0xFFFFF8017BC94540, 0xFFFFFFFFC0430007)\n\n";
	struct kd_bugcheck b;
	char line[120];

	cr_assert(kd_bugcheck_parse((const uint8_t *)kernel, strlen(kernel), &b));
	cr_assert_eq(b.code, 0xd1);
	cr_assert_not(b.boot_library);
	cr_assert_eq(b.param[1], 2);
	cr_assert_eq(b.param[3], 0xfffff80312345678ull);
	kd_bugcheck_text(&b, line, sizeof(line));
	cr_assert_str_eq(line, "0x000000D1 (0x0, 0x2, 0x0, 0xFFFFF80312345678)");
	cr_assert(kd_bugcheck_parse((const uint8_t *)bootlib, strlen(bootlib), &b));
	cr_assert_eq(b.code, 1);
	cr_assert(b.boot_library);
	cr_assert_eq(b.param[3], 0xffffffffc0430007ull);
	cr_assert_not(kd_bugcheck_parse((const uint8_t *)"*** Fatal System Error: "
					"0xd1 (0x1,0x2,0x3)", 40, &b));
	cr_assert_not(kd_bugcheck_parse((const uint8_t *)"hello", 5, &b));
}

Test(kd_api, text_clean_cuts_and_joins_lines)
{
	char out[8];

	kd_text_clean((const uint8_t *)"\nab\n\ncd efgh", 12, out, sizeof(out));
	cr_assert_str_eq(out, "ab cd e");
	kd_text_clean((const uint8_t *)"x\0y", 3, out, sizeof(out));
	cr_assert_str_eq(out, "x");
}
