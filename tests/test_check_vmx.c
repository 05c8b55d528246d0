// SPDX-License-Identifier: GPL-2.0-or-later
/* test_check_vmx.c - kdh check's VMware findings as pure functions: COM
 * numbers from vmx_com_port(), the pair's rules (pipe names without case,
 * server/client, the debugger VM's COM number), NIC texts in .vmx words,
 * keys given twice (the command and its corpus: tests/vmx/cases) */
#include <criterion/criterion.h>
#include <glib.h>
#include <string.h>

#include "kdh/platform/check_vmx.h"
#include "kdh/platform/winbuild.h"

#define HEAD	".encoding = \"UTF-8\"\nconfig.version = \"8\"\n" \
		"virtualHW.version = \"21\"\nguestOS = \"windows9-64\"\n" \
		"firmware = \"efi\"\npciBridge0.present = \"TRUE\"\n" \
		"pciBridge0.pciSlotNumber = \"17\"\npciBridge4.present = \"TRUE\"\n" \
		"pciBridge4.virtualDev = \"pcieRootPort\"\n" \
		"pciBridge4.functions = \"8\"\npciBridge4.pciSlotNumber = \"21\"\n"
#define NIC	"ethernet0.present = \"TRUE\"\nethernet0.virtualDev = \"e1000e\"\n" \
		"ethernet0.connectionType = \"nat\"\nethernet0.pciSlotNumber = \"160\"\n"
#define PRINTER	"serial0.present = \"TRUE\"\nserial0.fileType = \"device\"\n" \
		"serial0.fileName = \"thinprint\"\n"
#define PIPE(n, name, end) \
	"serial" #n ".present = \"TRUE\"\nserial" #n ".fileType = \"pipe\"\n" \
	"serial" #n ".fileName = \"" name "\"\nserial" #n ".pipe.endPoint = \"" \
	end "\"\nserial" #n ".yieldOnMsrRead = \"TRUE\"\n"

struct loaded {
	struct vmx *x;
	struct vmx_vm vm;
};

static void load(const char *file, const char *text, struct loaded *l)
{
	char err[512];

	l->x = vmx_parse(file, text, err, sizeof(err));
	cr_assert(l->x, "%s", err);
	cr_assert_eq(vmx_vm_read(l->x, &l->vm, err, sizeof(err)), 0, "%s", err);
}

/* every finding as "LEVEL text\nfix: ...\n"; the blocks counted */
static size_t said(const struct finding *f, size_t n, GString *s)
{
	size_t blocks = 0;

	for (size_t i = 0; i < n; i++) {
		blocks += f[i].level == FIND_BLOCK;
		g_string_append_printf(s, "%d %s\nfix: %s\n", f[i].level, f[i].text,
				       f[i].fix);
	}
	return blocks;
}

static size_t pair(const char *a, const char *b, unsigned long debugport,
		   GString *s)
{
	struct dbgsettings d = { .debugtype = "SERIAL", .debugport = debugport };
	struct finding f[CHECK_MAX_FINDINGS];
	struct loaded la, lb;
	size_t blocks;

	load("a.vmx", a, &la);
	load("b.vmx", b, &lb);
	blocks = said(f, check_vmx_pair(la.x, &la.vm, lb.x, &lb.vm, &d, f,
					CHECK_MAX_FINDINGS), s);
	vmx_free(la.x);
	vmx_free(lb.x);
	return blocks;
}

Test(check_vmx, com_of_counts_the_printer)
{
	struct loaded l;

	load("t.vmx", HEAD PRINTER PIPE(1, "\\\\.\\pipe\\k", "server"), &l);
	cr_assert_eq(check_vmx_com_of(&l.vm, 0), 1);
	cr_assert_eq(check_vmx_com_of(&l.vm, 1), 2);
	cr_assert_eq(check_vmx_com_of(&l.vm, 2), 0);
	vmx_free(l.x);
}

Test(check_vmx, pair_names_compare_without_case)
{
	GString *s = g_string_new(NULL);

	cr_assert_eq(pair(HEAD PIPE(0, "\\\\.\\pipe\\com_1", "server"),
			  HEAD PIPE(0, "\\\\.\\PIPE\\COM_1", "client"), 0, s), 0,
		     "%s", s->str);
	cr_assert(strstr(s->str, "com:port=com1,baud=115200"), "%s", s->str);
	g_string_free(s, TRUE);
}

/* Windows pipe names without case (V44), unix socket paths with case */
Test(check_vmx, pipe_same_case_rule)
{
	cr_assert(check_vmx_pipe_same("\\\\.\\pipe\\com_1",
				      "\\\\.\\PIPE\\COM_1"));
	cr_assert(check_vmx_pipe_same("/tmp/com_1", "/tmp/com_1"));
	cr_assert_not(check_vmx_pipe_same("/tmp/com_1", "/tmp/COM_1"));
	cr_assert_not(check_vmx_pipe_same("/tmp/com_1", "\\\\.\\pipe\\com_1"));
}

/* The same file twice: a BLOCK that says so, no windbg line */
Test(check_vmx, pair_same_file_twice_blocks)
{
	struct dbgsettings d = { .debugtype = "SERIAL" };
	struct finding f[CHECK_MAX_FINDINGS];
	struct loaded l;
	GString *s = g_string_new(NULL);

	load("a.vmx", HEAD PIPE(0, "\\\\.\\pipe\\k", "server"), &l);
	cr_assert_eq(said(f, check_vmx_pair(l.x, &l.vm, l.x, &l.vm, &d, f,
					    CHECK_MAX_FINDINGS), s), 1, "%s", s->str);
	cr_assert(strstr(s->str, "a.vmx is given twice"), "%s", s->str);
	cr_assert_null(strstr(s->str, "windbg -k com:port"), "%s", s->str);
	vmx_free(l.x);
	g_string_free(s, TRUE);
}

/* Only serial1, debugport 2: both COM readings in a WARN, not a BLOCK */
Test(check_vmx, gap_port_warns_with_both_readings)
{
	struct dbgsettings d = { .debugtype = "SERIAL", .debugport = 2 };
	struct finding f[CHECK_MAX_FINDINGS];
	struct loaded l;
	size_t n = 0;
	GString *s = g_string_new(NULL);

	load("g.vmx", HEAD PIPE(1, "\\\\.\\pipe\\k", "server"), &l);
	check_vmx_serial(&l.vm, &d, f, &n);
	cr_assert_eq(said(f, n, s), 0, "%s", s->str);
	cr_assert(strstr(s->str, "COM2 is serial1 if VMware keeps serialN at "
			 "COM(N+1), or no port at all"), "%s", s->str);
	vmx_free(l.x);
	g_string_free(s, TRUE);
}

Test(check_vmx, pair_debugger_com_behind_its_printer)
{
	GString *s = g_string_new(NULL);

	cr_assert_eq(pair(HEAD PIPE(0, "\\\\.\\pipe\\k", "server"),
			  HEAD PRINTER PIPE(1, "\\\\.\\pipe\\k", "client"), 1, s), 0,
		     "%s", s->str);
	cr_assert(strstr(s->str, "com:port=com2,baud=115200"), "%s", s->str);
	cr_assert(strstr(s->str, "its COM2 (serial1)"), "%s", s->str);
	g_string_free(s, TRUE);
}

Test(check_vmx, pair_debuggee_on_debugport_2)
{
	GString *s = g_string_new(NULL);

	cr_assert_eq(pair(HEAD PRINTER PIPE(1, "\\\\.\\pipe\\k", "server"),
			  HEAD PIPE(0, "\\\\.\\pipe\\k", "client"), 2, s), 0,
		     "%s", s->str);
	g_string_free(s, TRUE);
}

Test(check_vmx, pair_both_clients_flips_the_debuggee)
{
	GString *s = g_string_new(NULL);

	cr_assert_eq(pair(HEAD PIPE(0, "\\\\.\\pipe\\k", "client"),
			  HEAD PIPE(0, "\\\\.\\pipe\\k", "client"), 0, s), 1,
		     "%s", s->str);
	cr_assert(strstr(s->str, "fix: in a.vmx: serial0.pipe.endPoint = "
			 "\"server\""), "%s", s->str);
	g_string_free(s, TRUE);
}

Test(check_vmx, pair_debugger_without_a_pipe)
{
	GString *s = g_string_new(NULL);

	cr_assert_eq(pair(HEAD PIPE(0, "\\\\.\\pipe\\k", "server"),
			  HEAD PRINTER, 0, s), 1, "%s", s->str);
	cr_assert(strstr(s->str, "but b.vmx has no pipe port"), "%s", s->str);
	cr_assert(strstr(s->str, "fix: in b.vmx add a serial port on the pipe"),
		  "%s", s->str);
	g_string_free(s, TRUE);
}

static size_t network(const char *text, GString *s)
{
	struct finding f[CHECK_MAX_FINDINGS];
	struct vmconf *c = g_new0(struct vmconf, 1);
	struct check_ctx x;
	struct loaded l;
	char err[512];
	size_t blocks;

	load("t.vmx", text, &l);
	cr_assert_eq(vmx_to_vmconf(&l.vm, c, err, sizeof(err)), 0, "%s", err);
	check_ctx_init(&x, WIN_BUILD_DEFAULT);
	cr_assert_eq(check_ctx_windows(&x, c, "22631", err, sizeof(err)), 0);
	blocks = said(f, check_vmx(l.x, &l.vm, c, NULL, &x, f,
				   CHECK_MAX_FINDINGS), s);
	vmx_free(l.x);
	g_free(c);
	return blocks;
}

Test(check_vmx, nic_texts_are_vmx_words)
{
	GString *s = g_string_new(NULL);

	cr_assert_eq(network(HEAD "ethernet0.present = \"TRUE\"\n"
			     "ethernet0.virtualDev = \"vmxnet3\"\n"
			     "ethernet0.pciSlotNumber = \"160\"\n", s), 1, "%s", s->str);
	cr_assert(strstr(s->str, "ethernet0 is not a KDNET NIC"), "%s", s->str);
	cr_assert(strstr(s->str, "fix: ethernet0.virtualDev = \"e1000e\""), "%s",
		  s->str);
	cr_assert_null(strstr(s->str, "net0:"), "%s", s->str);
	cr_assert_null(strstr(s->str, "qm set"), "%s", s->str);
	g_string_free(s, TRUE);
}

Test(check_vmx, key_twice_is_a_note_with_both_lines)
{
	GString *s = g_string_new(NULL);

	cr_assert_eq(network(HEAD NIC "ethernet0.connectionType = \"bridged\"\n",
			     s), 0, "%s", s->str);
	cr_assert(strstr(s->str, "ethernet0.connectionType given twice (t.vmx "
			 "lines 14 and 16)"), "%s", s->str);
	cr_assert(strstr(s->str, "bridged (VMnet0)"), "%s", s->str);
	g_string_free(s, TRUE);
}
