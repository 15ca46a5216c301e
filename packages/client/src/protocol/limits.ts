// Named bounds of the wire protocol. Every decoder takes its limits from here or from options.

/** jute.maxbuffer: the largest frame payload either side accepts (1 MiB − 1). */
export const packetBytesMaxDefault = 0xfffff;
