// The one place test/ names the Zoo wire codec, so every driver and test shares one import.

export * from '@zoo/client/protocol';
