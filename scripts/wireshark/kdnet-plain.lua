-- SPDX-License-Identifier: GPL-2.0-or-later
-- kdnet-plain.lua - Wireshark dissector for plaintext KDNET and KD
--
-- Reads what `kdh decode FILE --key KEY --write-decrypted OUT.pcapng`
-- writes: each verified KDNET datagram as
--   "MDBD" | version | channel | 3 zero bytes | counter (BE u32) |
--   direction bit (0x80 = from the debugger) | payload
-- so no key and no cryptography are needed here.  Control payloads
-- (announcement, reply) and the KD packet of data payloads (leader, type,
-- byte count, id, checksum, and the API number of STATE_MANIPULATE,
-- DEBUG_IO and FILE_IO bodies) are shown as fields, filterable as kdnet.*
-- and kd.*.  Datagrams kdh could not decrypt keep their "MDBG" magic and are
-- only labelled.
--
-- Install: copy this file to ~/.local/lib/wireshark/plugins/ (Wireshark 3.x
-- and later; `wireshark -v` names the folder under "Personal Lua Plugins"),
-- or run `wireshark -X lua_script:kdnet-plain.lua OUT.pcapng`.
-- SPDX-License-Identifier: GPL-2.0-or-later

local kdnet = Proto("kdnet", "KDNET (plaintext, from kdh)")
local kd = Proto("kd", "Windows KD packet")

local channels = { [0] = "data", [1] = "control" }
local ctl_kinds = { [1] = "debuggee announcement", [2] = "debugger reply" }
local kd_types = {
	[0] = "UNUSED", [1] = "KD_STATE_CHANGE32", [2] = "KD_STATE_MANIPULATE",
	[3] = "KD_DEBUG_IO", [4] = "KD_ACKNOWLEDGE", [5] = "KD_RESEND",
	[6] = "KD_RESET", [7] = "KD_STATE_CHANGE64", [8] = "KD_POLL_BREAKIN",
	[9] = "KD_TRACE_IO", [10] = "KD_CONTROL_REQUEST", [11] = "KD_FILE_IO",
}
local leaders = { [0x30303030] = "data (0000)", [0x69696969] = "control (iiii)",
		  [0x62626262] = "break-in (bbbb)" }
local apis = {
	[0x3130] = "ReadVirtualMemory", [0x3131] = "WriteVirtualMemory",
	[0x3132] = "GetContext", [0x3133] = "SetContext",
	[0x3134] = "WriteBreakPoint", [0x3135] = "RestoreBreakPoint",
	[0x3136] = "Continue", [0x3137] = "ReadControlSpace",
	[0x3138] = "WriteControlSpace", [0x3139] = "ReadIoSpace",
	[0x313a] = "WriteIoSpace", [0x313b] = "Reboot", [0x313c] = "Continue2",
	[0x313d] = "ReadPhysicalMemory", [0x313e] = "WritePhysicalMemory",
	[0x313f] = "QuerySpecialCalls", [0x3140] = "SetSpecialCall",
	[0x3141] = "ClearSpecialCalls", [0x3142] = "SetInternalBreakPoint",
	[0x3143] = "GetInternalBreakPoint", [0x3144] = "ReadIoSpaceExtended",
	[0x3145] = "WriteIoSpaceExtended", [0x3146] = "GetVersion",
	[0x3147] = "WriteBreakPointEx", [0x3148] = "RestoreBreakPointEx",
	[0x3149] = "CauseBugCheck", [0x3150] = "SwitchProcessor",
	[0x3151] = "PageIn", [0x3152] = "ReadMachineSpecificRegister",
	[0x3153] = "WriteMachineSpecificRegister", [0x3154] = "OldVlm1",
	[0x3155] = "OldVlm2", [0x3156] = "SearchMemory",
	[0x3157] = "GetBusData", [0x3158] = "SetBusData",
	[0x3159] = "CheckLowMemory", [0x315a] = "ClearAllInternalBreakpoints",
	[0x315b] = "FillMemory", [0x315c] = "QueryMemory",
	[0x315d] = "SwitchPartition", [0x315e] = "WriteCustomBreakpoint",
	[0x315f] = "GetContextEx", [0x3160] = "SetContextEx",
	[0x3230] = "PrintString", [0x3231] = "GetString",
	[0x3430] = "CreateFile", [0x3431] = "ReadFile", [0x3432] = "WriteFile",
	[0x3433] = "CloseFile",
}

local f = kdnet.fields
f.magic = ProtoField.string("kdnet.magic", "Magic")
f.version = ProtoField.uint8("kdnet.version", "Version")
f.channel = ProtoField.uint8("kdnet.channel", "Channel", base.DEC, channels)
f.counter = ProtoField.uint32("kdnet.counter", "Counter / sequence", base.DEC)
f.from_debugger = ProtoField.bool("kdnet.from_debugger", "From the debugger",
				   8, nil, 0x80)
f.ctl_kind = ProtoField.uint8("kdnet.control.kind", "Control message",
			      base.DEC, ctl_kinds)
f.nonce = ProtoField.bytes("kdnet.control.nonce", "Debuggee nonce")
f.dbg_nonce = ProtoField.bytes("kdnet.control.debugger_nonce", "Debugger nonce")
f.debuggee = ProtoField.ipv4("kdnet.control.debuggee_ip", "Debuggee address")
f.debuggee_port = ProtoField.uint16("kdnet.control.debuggee_port", "Debuggee port")
f.debugger = ProtoField.ipv4("kdnet.control.debugger_ip", "Debugger address")
f.debugger_port = ProtoField.uint16("kdnet.control.debugger_port", "Debugger port")
f.bound = ProtoField.ipv4("kdnet.control.bound_ip", "Bound debugger address")
f.bound_port = ProtoField.uint16("kdnet.control.bound_port", "Bound debugger port")
f.encrypted = ProtoField.bytes("kdnet.encrypted", "Not decrypted by kdh")

local g = kd.fields
g.leader = ProtoField.uint32("kd.leader", "Leader", base.HEX, leaders)
g.type = ProtoField.uint16("kd.type", "Type", base.DEC, kd_types)
g.count = ProtoField.uint16("kd.byte_count", "Byte count")
g.id = ProtoField.uint32("kd.id", "Packet id", base.HEX)
g.checksum = ProtoField.uint32("kd.checksum", "Checksum", base.HEX)
g.api = ProtoField.uint32("kd.api", "API number", base.HEX, apis)
g.data = ProtoField.bytes("kd.data", "Data")
g.text = ProtoField.string("kd.text", "Text")
g.breakin = ProtoField.bool("kd.breakin", "Break-in")

local function control(buf, tree)
	if buf:len() < 2 then return "" end
	local kind = buf(1, 1):uint()
	tree:add(f.ctl_kind, buf(1, 1))
	if buf:len() >= 34 then tree:add(f.nonce, buf(2, 32)) end
	if kind == 1 and buf:len() >= 88 then
		tree:add(f.debuggee, buf(46, 4))
		tree:add(f.debuggee_port, buf(50, 2))
		tree:add(f.debugger, buf(64, 4))
		tree:add(f.debugger_port, buf(68, 2))
		tree:add(f.bound, buf(82, 4))
		tree:add(f.bound_port, buf(86, 2))
	elseif kind == 2 and buf:len() >= 66 then
		tree:add(f.dbg_nonce, buf(34, 32))
	end
	return ctl_kinds[kind] or ("control " .. kind)
end

local function kd_packet(buf, pinfo, root)
	if buf:len() == 1 and buf(0, 1):uint() == 0x62 then
		root:add(kd, buf(0, 1), "Windows KD break-in"):add(g.breakin, true)
		return "break-in"
	end
	if buf:len() < 16 then return "no KD packet" end
	local t = root:add(kd, buf(0, math.min(buf:len(), 16 + buf(6, 2):le_uint())))
	local ty = buf(4, 2):le_uint()
	local count = buf(6, 2):le_uint()
	t:add(g.leader, buf(0, 4))
	t:add_le(g.type, buf(4, 2))
	t:add_le(g.count, buf(6, 2))
	t:add_le(g.id, buf(8, 4))
	t:add_le(g.checksum, buf(12, 4))
	local what = kd_types[ty] or ("type " .. ty)
	if count > 0 and buf:len() >= 16 + count then
		local body = buf(16, count)
		t:add(g.data, body)
		if (ty == 2 or ty == 3 or ty == 11) and count >= 4 then
			local api = body(0, 4):le_uint()
			t:add_le(g.api, body(0, 4))
			what = what .. " " .. (apis[api] or string.format("0x%x", api))
			if ty == 3 and count > 16 then
				t:add(g.text, body(16, count - 16))
			end
		end
	end
	return string.format("%s id 0x%08x", what, buf(8, 4):le_uint())
end

function kdnet.dissector(buf, pinfo, root)
	if buf:len() < 6 then return 0 end
	local magic = buf(0, 4):string()
	if magic ~= "MDBD" and magic ~= "MDBG" then return 0 end
	pinfo.cols.protocol = "KDNET"
	local t = root:add(kdnet, buf())
	t:add(f.magic, buf(0, 4))
	t:add(f.version, buf(4, 1))
	t:add(f.channel, buf(5, 1))
	if magic == "MDBG" then
		t:add(f.encrypted, buf(6))
		pinfo.cols.info = "KDNET, not decrypted"
		return buf:len()
	end
	if buf:len() < 14 then return buf:len() end
	t:add(f.counter, buf(9, 4))
	t:add(f.from_debugger, buf(13, 1))
	local dir = bit.band(buf(13, 1):uint(), 0x80) ~= 0 and "debugger" or "debuggee"
	local what
	if buf(5, 1):uint() == 1 then
		what = control(buf(14):tvb(), t)
	else
		what = buf:len() > 14 and kd_packet(buf(14):tvb(), pinfo, root) or "empty"
	end
	pinfo.cols.info = string.format("KDNET %s from the %s #%d: %s",
		channels[buf(5, 1):uint()] or "?", dir, buf(9, 4):uint(), what)
	return buf:len()
end

local function heuristic(buf, pinfo, root)
	if buf:len() < 6 then return false end
	local magic = buf(0, 4):string()
	if magic ~= "MDBD" and magic ~= "MDBG" then return false end
	kdnet.dissector(buf, pinfo, root)
	return true
end

kdnet:register_heuristic("udp", heuristic)
