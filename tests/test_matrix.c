// SPDX-License-Identifier: GPL-2.0-or-later
/* test_matrix.c - a scenario file's [matrix]: expansion, order, labels,
 * only/no filters, multi-key labels, absent, vm.net0.model, every strict
 * error with its line, max_cells, busparams = right / wrong, and errors
 * inside a cell at the file's own line */
#include <criterion/criterion.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>

#include "kdh/platform/pve_pci.h"
#include "kdh/scenario/matrix.h"
#include "kdh/scenario/scenario.h"

#define F "m.kdh"

/* two NICs: net0 on wan, net1 on lan with the debugger (lines 1-17) */
#define BASE \
	"[scenario]\n"						/* 1 */ \
	"description = matrix base\n"				/* 2 */ \
	"[network wan]\n"					/* 3 */ \
	"type = static\n"					/* 4 */ \
	"subnet = 10.0.0.0/24\n"				/* 5 */ \
	"[network lan]\n"					/* 6 */ \
	"type = static\n"					/* 7 */ \
	"subnet = 192.168.2.0/24\n"				/* 8 */ \
	"[debugger]\n"						/* 9 */ \
	"network = lan\n"					/* 10 */ \
	"[vm win]\n"						/* 11 */ \
	"ostype: other\n"					/* 12 */ \
	"net0: e1000=BC:24:11:00:00:40,bridge=wan\n"		/* 13 */ \
	"net1: e1000=BC:24:11:00:00:41,bridge=lan\n"		/* 14 */ \
	"dbgsettings = net hostip:192.168.2.1 port:50000 key:1x2y3z.4a5b6c.7d8e9f.0g1h2i\n" \
	"dhcp = no\n"						/* 16 */ \
	"ip = 192.168.2.72/24\n"				/* 17 */ \
	"[matrix]\n"						/* 18 */

static struct sc_matrix *ok(const char *text)
{
	struct sc_matrix *m = NULL;
	char err[512] = "";

	cr_assert_eq(sc_matrix_parse(F, text, 0, &m, err, sizeof(err)), 0,
		     "%s", err);
	cr_assert_not_null(m);
	return m;
}

static void bad(const char *text, const char *want)
{
	struct sc_matrix *m = NULL;
	char err[512] = "";

	cr_assert_eq(sc_matrix_parse(F, text, 0, &m, err, sizeof(err)), -EINVAL,
		     "accepted, wanted %s", want);
	cr_assert_null(m);
	cr_assert_str_eq(err, want);
}

static void label_is(struct sc_matrix *m, size_t k, size_t index,
		     const char *label)
{
	struct sc_cell c;

	cr_assert_eq(sc_matrix_cell(m, k, &c), 0);
	cr_assert_eq(c.index, index, "cell %zu: index %zu", k, c.index);
	cr_assert_str_eq(c.label, label);
	sc_cell_clear(&c);
}

Test(matrix, no_matrix_is_null)
{
	struct sc_matrix *m = (void *)1;
	char err[64];

	cr_assert_eq(sc_matrix_parse(F, "[vm a]\nnet0: e1000,bridge=x\n", 0, &m,
				     err, sizeof(err)), 0);
	cr_assert_null(m);
}

Test(matrix, expansion_order_and_names)
{
	struct sc_matrix *m = ok(BASE "vm.machine = pc | q35\n"
				 "vm.net0.model = e1000 | e1000e | rtl8139\n");
	struct sc_cell c;

	cr_assert_eq(sc_matrix_cells(m), 6);
	label_is(m, 0, 0, "machine=pc,model=e1000");
	label_is(m, 1, 1, "machine=pc,model=e1000e");
	label_is(m, 3, 3, "machine=q35,model=e1000");
	label_is(m, 5, 5, "machine=q35,model=rtl8139");
	cr_assert_eq(sc_matrix_cell(m, 2, &c), 0);
	cr_assert_str_eq(c.name, "m[machine=pc,model=rtl8139]");
	sc_cell_clear(&c);
	cr_assert_eq(sc_matrix_cell(m, 6, &c), -ERANGE);
	cr_assert_not(sc_matrix_oracle(m));
	sc_matrix_free(m);
}

#define AXES "vm.machine = pc | q35\n" "vm.bios = seabios | ovmf\n" \
	"vm.net0.model = e1000 | e1000e\n"	/* lines 19-21 */

Test(matrix, only_lines_or_words_and_no)
{
	/* only: (q35 AND ovmf) OR e1000e; no: pc AND seabios */
	struct sc_matrix *m = ok(BASE AXES "only = machine=q35 vm.bios=ovmf\n"
				 "only = model=e1000e\nno = machine=pc bios=seabios\n");

	/* kept: pc,ovmf,e1000e (3); q35,seabios,e1000e (5); q35,ovmf,* (6,7) */
	cr_assert_eq(sc_matrix_cells(m), 4);
	label_is(m, 0, 3, "machine=pc,bios=ovmf,model=e1000e");
	label_is(m, 1, 5, "machine=q35,bios=seabios,model=e1000e");
	label_is(m, 2, 6, "machine=q35,bios=ovmf,model=e1000");
	label_is(m, 3, 7, "machine=q35,bios=ovmf,model=e1000e");
	sc_matrix_free(m);
}

static void cell(struct sc_matrix *m, size_t k, struct scenario *sc)
{
	char err[512] = "";

	cr_assert_eq(sc_matrix_cell_parse(m, k, sc, err, sizeof(err)), 0, "%s",
		     err);
}

Test(matrix, labels_absent_and_net_model)
{
	struct sc_matrix *m = ok(BASE "vm.net1.model = e1000e | vmxnet3\n"
		"cpu = other{vm.ostype=other} | w11v{vm.ostype=win11; "
		"vm.cpu=x86-64-v2-AES,hv-vendor-id=KVMKVMKVM; vm.dhcp=absent}\n"
		"expect = check\n");
	struct scenario *sc = g_new0(struct scenario, 1);

	cr_assert(sc_matrix_oracle(m));
	cr_assert_eq(sc_matrix_cells(m), 4);
	label_is(m, 3, 3, "model=vmxnet3,cpu=w11v");
	cell(m, 3, sc);
	cr_assert(sc->is_cell && sc->oracle);
	cr_assert_eq(sc->cell_index, 3);
	cr_assert_str_eq(sc->cell_label, "model=vmxnet3,cpu=w11v");
	cr_assert_str_eq(sc->vms[0].ostype, "win11");
	cr_assert_str_eq(sc->vms[0].nets[1].model, "vmxnet3");
	cr_assert_str_eq(sc->vms[0].nets[1].bridge, "lan");	/* kept */
	cr_assert_eq(sc->vms[0].nets[1].mac[5], 0x41);
	cr_assert_str_eq(sc->vms[0].nets[0].model, "e1000");
	cr_assert_eq(sc->vms[0].net_line[1], 14, "the line stays the file's");
	cr_assert(sc->vms[0].tc.dhcp, "dhcp = no removed: the default, yes");
	cell(m, 0, sc);
	cr_assert_not(sc->vms[0].tc.dhcp);
	cr_assert_str_eq(sc->vms[0].ostype, "other");
	g_free(sc);
	sc_matrix_free(m);
}

/* a key two sections know (faults: [vm] and [debugger]) goes where it says */
Test(matrix, key_of_its_section)
{
	struct sc_matrix *m = ok(BASE "debugger.faults = l1{debugger.faults=loss=1%} | "
				 "l2{debugger.faults=loss=2%}\n"
				 "vmloss = a{vm.faults=loss=3%} | b{vm.faults=loss=4%}\n");
	struct scenario *sc = g_new0(struct scenario, 1);

	cr_assert_eq(sc_matrix_cells(m), 4);
	cell(m, 3, sc);
	cr_assert_float_eq(sc->dbg.faults.loss_pct, 2, 1e-9);
	cr_assert_float_eq(sc->vms[0].faults.loss_pct, 4, 1e-9);
	g_free(sc);
	sc_matrix_free(m);
}

Test(matrix, old_loader_refuses_a_matrix)
{
	struct scenario *sc = g_new0(struct scenario, 1);
	char err[512];

	cr_assert_eq(scenario_parse(F, BASE AXES, sc, err, sizeof(err)), -EINVAL);
	cr_assert_str_eq(err, F ":18: a [matrix] expands to cells: load it with "
			 "sc_matrix_parse()");
	g_free(sc);
}

Test(matrix, strict)
{
	bad(BASE "vm.nosuch = 1 | 2\n", F ":19: vm.nosuch: 'nosuch' is not a "
	    "key of [vm] (docs/scenarios.md lists them)");
	bad(BASE "debugger.dhcp = yes\n", F ":19: debugger.dhcp: 'dhcp' is not "
	    "a key of [debugger] (docs/scenarios.md lists them)");
	bad(BASE "scenario.port = 1\n", F ":19: scenario.port: 'port' is not "
	    "a key of [scenario] (docs/scenarios.md lists them)");
	bad(BASE "foo.bar = 1\n", F ":19: 'foo.bar' is no scenario key: vm.KEY, "
	    "vm.NAME.KEY, network.NAME.KEY, debugger.KEY or scenario.KEY");
	bad(BASE "network.dmz.type = static\n", F ":19: network.dmz.type: the "
	    "file has no [network dmz]");
	bad(BASE "vm.machine =\n", F ":19: vm.machine: no values (V | V | ...)");
	bad(BASE "vm.machine = pc || q35\n", F ":19: vm.machine: an empty value "
	    "(two '|' with nothing between)");
	bad(BASE "vm.machine = pc | q35 | pc\n", F ":19: vm.machine: 'pc' twice");
	bad(BASE "cpu = a{vm.ostype=other} | a{vm.ostype=win11}\n",
	    F ":19: cpu: 'a' twice");
	bad(BASE "cpu = other\n", F ":19: cpu: 'other': an axis with a bare "
	    "name takes LABEL{KEY=VALUE} values");
	bad(BASE "vm.machine = pc\nscenario.machine = pc\n", F ":20: two axes "
	    "named 'machine' (the other at line 19): cell names could not tell "
	    "them apart");
	bad(BASE AXES "only = bios=uefi\n", F ":22: only: axis bios has no "
	    "value 'uefi'");
	bad(BASE AXES "no = cpu=x\n", F ":22: no: no axis 'cpu' (axes come "
	    "before filters)");
	bad(BASE AXES "only = machine=pc\nno = machine=pc\n", F ":22: only "
	    "matches no cell the other filters keep: a typo?");
	bad(BASE AXES "expect = maybe\n", F ":22: expect: 'maybe': the one value "
	    "is check (kdh check's prediction is each cell's expectation)");
	bad(BASE "vm.net3.model = e1000\n", F ":19: vm.net3.model: [vm win] has no "
	    "net3 line (the model is set in one)");
}

/* A filter that changes nothing is an error, only and no alike: one that
 * matches no cell the other kind leaves, or one whose every cell another
 * line of its kind already keeps or drops */
Test(matrix, filters_that_change_nothing)
{
	bad(BASE AXES "only = bios=seabios\nno = machine=pc bios=ovmf\n",
	    F ":23: no matches no cell the other filters keep: a typo?");
	bad(BASE AXES "no = machine=pc\nno = machine=pc bios=ovmf\n",
	    F ":23: no changes nothing: every cell it matches, another no line "
	    "drops already (a typo? else drop it)");
	bad(BASE AXES "only = machine=pc\nonly = machine=pc bios=ovmf\n",
	    F ":23: only changes nothing: every cell it matches, another only "
	    "line keeps already (a typo? else drop it)");
	sc_matrix_free(ok(BASE AXES "only = machine=pc\nonly = bios=ovmf\n"
			  "no = machine=pc bios=seabios model=e1000\n"));
}

/* vm.netN.model = absent would be a model named absent: at its axis's line,
 * the fix said */
Test(matrix, model_absent_is_refused_at_its_axis)
{
	bad(BASE "vm.net0.model = e1000 | absent\n", F ":19: vm.net0.model = "
	    "absent: a NIC cannot lose its model; to leave the NIC out, vm.net0 "
	    "= absent");
	bad(BASE "x = a{vm.win.net1.model=absent}\n", F ":19: vm.win.net1.model "
	    "= absent: a NIC cannot lose its model; to leave the NIC out, "
	    "vm.win.net1 = absent");
}

/* One key set twice, in one value or by two axes: a cell would run the
 * last set while its label names both */
Test(matrix, one_key_one_set)
{
	bad(BASE "cpu = a{vm.ostype=other; vm.ostype=win11}\n", F ":19: cpu: "
	    "a{...} sets vm.ostype and vm.ostype: one key, one set");
	bad(BASE "vm.ostype = other | win11\ncpu = a{vm.ostype=win11}\n",
	    F ":20: cpu sets vm.ostype, as axis vm.ostype at line 19 sets "
	    "vm.ostype: a cell would run the last and be named after both; set "
	    "each key in one axis");
	bad(BASE "vm.net0.model = e1000 | e1000e\n"
	    "nic = a{vm.net0=e1000,bridge=lan}\n", F ":20: nic sets vm.net0, as "
	    "axis vm.net0.model at line 19 sets vm.net0.model: a cell would run "
	    "the last and be named after both; set each key in one axis");
	bad(BASE "x = a{vm.net1.model=e1000e; vm.net1=rtl8139,bridge=lan}\n",
	    F ":19: x: a{...} sets vm.net1.model and vm.net1: one key, one set");
}

/* Names a cell cannot carry: a scenario.name axis, a plain value with
 * , = [ ] or a blank, a label longer than 255 */
Test(matrix, names_cells_can_carry)
{
	GString *t = g_string_new(BASE "vm.machine = pc | q35\ncpu = ");

	bad(BASE "scenario.name = x | y\n", F ":19: scenario.name: scenario.name "
	    "cannot vary: cells are named NAME/cNNNNN after the one name");
	bad(BASE "scenario.description = a]b | c\n", F ":19: "
	    "scenario.description: 'a]b' has a ',', '=', '[', ']' or a blank, "
	    "which a cell's name cannot hold: write it with a label, as "
	    "v1{scenario.description=a]b}");
	bad(BASE "scenario.description = two words | c\n", F ":19: "
	    "scenario.description: 'two words' has a ',', '=', '[', ']' or a "
	    "blank, which a cell's name cannot hold: write it with a label, as "
	    "v1{scenario.description=two words}");
	bad(BASE "cpu = a b{vm.ostype=win11}\n", F ":19: cpu: the label 'a b' "
	    "has a ',', '=', '[', ']' or a blank, which a cell's name cannot "
	    "hold: pick a plain word");
	for (int i = 0; i < 250; i++)
		g_string_append_c(t, 'a');
	g_string_append(t, "{vm.ostype=win11} | b{vm.ostype=other}\n");
	bad(t->str, F ":20: cpu: a cell's label (axis=value,...) could reach 266 "
	    "characters, more than 255: shorten the values or their labels");
	g_string_truncate(t, t->len - 39 - 11);	/* 239 a: 255 */
	g_string_append(t, "{vm.ostype=win11} | b{vm.ostype=other}\n");
	sc_matrix_free(ok(t->str));
	g_string_free(t, TRUE);
}

Test(matrix, max_cells)
{
	struct sc_matrix *m = NULL;
	char err[512];

	bad(BASE AXES "max_cells = 7\n", F ":18: 8 cells (machine 2 × bios 2 × "
	    "model 2 = 8 before filters): more than max_cells = 7; add only/no "
	    "filters or raise max_cells");
	m = ok(BASE AXES "max_cells = 7\nno = model=e1000e machine=q35 "
	       "bios=ovmf\n");
	cr_assert_eq(sc_matrix_cells(m), 7);
	sc_matrix_free(m);
	/* the caller's --max-cells wins over the file's */
	cr_assert_eq(sc_matrix_parse(F, BASE AXES "max_cells = 100\n", 4, &m,
				     err, sizeof(err)), -EINVAL);
	cr_assert_null(m);
}

/* busparams = right | wrong on i440fx and q35 */
Test(matrix, busparams_right_wrong)
{
	struct sc_matrix *m = ok(BASE "vm.machine = pc | q35\n"
				 "vm.busparams = absent | right | wrong\n");
	struct scenario *sc = g_new0(struct scenario, 1);
	struct pci_addr net1;

	cr_assert_eq(sc_matrix_cells(m), 6);
	for (size_t k = 0; k < 6; k++) {
		const struct target_config *tc = &sc->vms[0].tc;

		cell(m, k, sc);
		cr_assert_eq(pve_guest_nic_pci(&sc->vms[0].conf, 1, &net1), 0);
		if (k % 3 == 0) {
			cr_assert_not(tc->has_busparams);
			continue;
		}
		cr_assert(tc->has_busparams);
		if (k % 3 == 1)
			cr_assert(!memcmp(&tc->busparams, &net1, sizeof(net1)),
				  "cell %zu: right is net1's b.d.f", k);
		else
			cr_assert(tc->busparams.dev == 19 || tc->busparams.dev == 31);
	}
	cell(m, 1, sc);		/* pc: net1 is 0.19.0, so wrong is 0.31.0 */
	cr_assert_eq(sc->vms[0].tc.busparams.dev, 19);
	cell(m, 2, sc);
	cr_assert_eq(sc->vms[0].tc.busparams.dev, 31);
	g_free(sc);
	sc_matrix_free(m);
}

Test(matrix, error_in_a_cell_names_the_line_and_cell)
{
	struct sc_matrix *m = ok(BASE "vm.dhcp = no | maybe\n"
				 "vm.memory = 2048 | lots\n");
	struct scenario *sc = g_new0(struct scenario, 1);
	char err[512];

	cell(m, 0, sc);
	cr_assert_eq(sc_matrix_cell_parse(m, 2, sc, err, sizeof(err)), -EINVAL);
	cr_assert(g_str_has_prefix(err, F ":16: cell [dhcp=maybe,memory=2048]: "
				   "dhcp: 'maybe'"), "%s", err);
	cr_assert_eq(sc_matrix_cell_parse(m, 1, sc, err, sizeof(err)), -EINVAL);
	cr_assert(g_str_has_prefix(err, F ":20: cell [dhcp=no,memory=lots]: "),
		  "a key the base lacks is at its axis's line: %s", err);
	g_free(sc);
	sc_matrix_free(m);
}

/* docs/scenarios.md's example, on the base: it loads, and every cell parses */
Test(matrix, docs_example)
{
	struct sc_matrix *m = ok(BASE "vm.machine = pc | q35\n"
		"vm.net0.model = e1000 | e1000e | rtl8139\n"
		"vm.busparams = absent | right | wrong\n"
		"cpu = other{vm.ostype=other} | win11{vm.ostype=win11; "
		"vm.cpu=x86-64-v2-AES}\n"
		"only = machine=q35 model=e1000e\nonly = busparams=right\n"
		"no = model=rtl8139 cpu=win11\nmax_cells = 500\nexpect = check\n");
	struct scenario *sc = g_new0(struct scenario, 1);

	/* busparams=right: 2 × 3 × 2 = 12, less pc/q35 × rtl8139 × win11 (2);
	 * q35 e1000e, not right: 2 × 2 = 4 */
	cr_assert_eq(sc_matrix_cells(m), 14);
	for (size_t k = 0; k < sc_matrix_cells(m); k++)
		cell(m, k, sc);
	g_free(sc);
	sc_matrix_free(m);
}
