// SPDX-License-Identifier: GPL-2.0-or-later
/* kd.c - KD packets: parse, build, names (the serial and KDNET payload) */
#include <errno.h>
#include <string.h>

#include "kdh/kdnet/kd.h"

static const char *const kd_type_names[KD_TYPE_COUNT] = {
	[KD_TYPE_UNUSED] = "UNUSED",
	[KD_TYPE_STATE_CHANGE32] = "KD_STATE_CHANGE32",
	[KD_TYPE_STATE_MANIPULATE] = "KD_STATE_MANIPULATE",
	[KD_TYPE_DEBUG_IO] = "KD_DEBUG_IO",
	[KD_TYPE_ACKNOWLEDGE] = "KD_ACKNOWLEDGE",
	[KD_TYPE_RESEND] = "KD_RESEND",
	[KD_TYPE_RESET] = "KD_RESET",
	[KD_TYPE_STATE_CHANGE64] = "KD_STATE_CHANGE64",
	[KD_TYPE_POLL_BREAKIN] = "KD_POLL_BREAKIN",
	[KD_TYPE_TRACE_IO] = "KD_TRACE_IO",
	[KD_TYPE_CONTROL_REQUEST] = "KD_CONTROL_REQUEST",
	[KD_TYPE_FILE_IO] = "KD_FILE_IO",
};

/**
 * kd_type_name() - name of a KD packet type
 * @type:	type field
 *
 * Return: static string, "UNKNOWN" for types outside the table
 */
const char *kd_type_name(uint16_t type)
{
	return type < KD_TYPE_COUNT ? kd_type_names[type] : "UNKNOWN";
}

/**
 * kd_leader_name() - short name of a leader
 * @leader:	leader field
 *
 * Return: "data", "control", "breakin" or "unknown"
 */
const char *kd_leader_name(uint32_t leader)
{
	switch (leader) {
	case KD_LEADER_DATA:	return "data";
	case KD_LEADER_CONTROL:	return "control";
	case KD_LEADER_BREAKIN:	return "breakin";
	default:		return "unknown";
	}
}

/**
 * kd_checksum() - the KD checksum: arithmetic sum of the data bytes
 * @data:	bytes
 * @len:	count
 *
 * Return: sum modulo 2^32
 */
uint32_t kd_checksum(const uint8_t *data, size_t len)
{
	uint32_t sum = 0;

	for (size_t i = 0; i < len; i++)
		sum += data[i];
	return sum;
}

static uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static void put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

/**
 * kd_packet_parse() - parse one KD packet at the start of @buf
 * @buf:	bytes
 * @len:	available bytes (may hold more after the packet)
 * @flags:	KD_SERIAL to require the trailing 0xAA
 * @pkt:	filled on success; @pkt->len is what the packet used
 *
 * Return: 0, -EINVAL for an unknown leader, a missing trailer or (serial)
 * a length KD never sends, -EMSGSIZE
 * when @buf ends before the packet does
 */
int kd_packet_parse(const uint8_t *buf, size_t len, unsigned flags,
		    struct kd_packet *pkt)
{
	size_t need;

	if (len < KD_HDR_LEN)
		return -EMSGSIZE;
	pkt->leader = get_le32(buf);
	if (pkt->leader != KD_LEADER_DATA && pkt->leader != KD_LEADER_CONTROL &&
	    pkt->leader != KD_LEADER_BREAKIN)
		return -EINVAL;
	pkt->type = (uint16_t)(buf[4] | buf[5] << 8);
	pkt->count = (uint16_t)(buf[6] | buf[7] << 8);
	pkt->id = get_le32(buf + 8);
	pkt->checksum = get_le32(buf + 12);
	/* on a serial line, a header that cannot be KD's is noise now, not
	 * a reason to swallow up to 64 KiB waiting for its data: control
	 * packets carry none, data packets at most KD_SERIAL_MAX_DATA */
	if ((flags & KD_SERIAL) &&
	    (pkt->count > KD_SERIAL_MAX_DATA ||
	     (pkt->leader == KD_LEADER_CONTROL && pkt->count)))
		return -EINVAL;
	need = KD_HDR_LEN + (size_t)pkt->count + ((flags & KD_SERIAL) ? 1 : 0);
	if (len < need)
		return -EMSGSIZE;
	pkt->data = buf + KD_HDR_LEN;
	pkt->checksum_ok = kd_checksum(pkt->data, pkt->count) == pkt->checksum;
	if ((flags & KD_SERIAL) && buf[need - 1] != KD_TRAILER)
		return -EINVAL;
	pkt->len = need;
	return 0;
}

/**
 * kd_packet_build() - write a KD packet with its checksum
 * @leader:	KD_LEADER_*
 * @type:	enum kd_type
 * @id:		packet id
 * @data:	data bytes, may be NULL when @count is 0
 * @count:	data length
 * @flags:	KD_SERIAL to append the trailing 0xAA
 * @out:	output buffer
 * @cap:	its size
 *
 * Return: bytes written, or -ENOSPC
 */
int kd_packet_build(uint32_t leader, uint16_t type, uint32_t id,
		    const uint8_t *data, uint16_t count, unsigned flags,
		    uint8_t *out, size_t cap)
{
	size_t need = KD_HDR_LEN + (size_t)count + ((flags & KD_SERIAL) ? 1 : 0);

	if (cap < need)
		return -ENOSPC;
	put_le32(out, leader);
	out[4] = (uint8_t)type;
	out[5] = (uint8_t)(type >> 8);
	out[6] = (uint8_t)count;
	out[7] = (uint8_t)(count >> 8);
	put_le32(out + 8, id);
	put_le32(out + 12, kd_checksum(data, count));
	if (count)
		memcpy(out + KD_HDR_LEN, data, count);
	if (flags & KD_SERIAL)
		out[need - 1] = KD_TRAILER;
	return (int)need;
}

/**
 * kd_payload_parse() - classify and parse a KDNET data payload
 * @buf:	payload of a data packet
 * @len:	its length
 * @pl:		filled on success
 *
 * The very first data packet of a session carries 8 zero bytes and the
 * debugger's IPv4 address (little-endian) instead of a KD packet; a
 * debugger's break-in request is the single byte 'b'.
 *
 * Return: 0, or the error of kd_packet_parse()
 */
int kd_payload_parse(const uint8_t *buf, size_t len, struct kd_payload *pl)
{
	static const uint8_t zeros[8];

	memset(pl, 0, sizeof(*pl));
	if (len == 1 && buf[0] == KD_BREAKIN_BYTE) {
		pl->kind = KD_PAYLOAD_BREAKIN;
		return 0;
	}
	if (len == 12 && !memcmp(buf, zeros, sizeof(zeros))) {
		pl->kind = KD_PAYLOAD_CONNECT;
		pl->debugger_ip = get_le32(buf + 8);
		return 0;
	}
	pl->kind = KD_PAYLOAD_PACKET;
	return kd_packet_parse(buf, len, 0, &pl->pkt);
}

/**
 * kd_print_body() - the data of a KD_DEBUG_IO packet printing @text, as
 * DbgPrint sends it: DBGKD_DEBUG_IO (ApiNumber DbgKdPrintStringApi, the
 * text's length at offset 8, 16 bytes in all), then the text
 * @text:	what is printed (no NUL sent)
 * @out:	buffer
 * @cap:	its size
 *
 * Return: bytes written, or -ENOSPC
 */
int kd_print_body(const char *text, uint8_t *out, size_t cap)
{
	size_t n = strlen(text);

	if (cap < 16 || n > cap - 16)
		return -ENOSPC;
	memset(out, 0, 16);
	put_le32(out, KD_API_PRINT_STRING);
	put_le32(out + 8, (uint32_t)n);
	memcpy(out + 16, text, n);
	return (int)(16 + n);
}
