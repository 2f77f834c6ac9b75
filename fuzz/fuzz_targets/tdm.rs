//! Fuzzes the TDM (KVN) reader: it never panics, and what it accepts is written and
//! read back to the same observations.
#![no_main]

use aposos_formats::obs::tdm::{read_tdm_kvn, write_tdm_kvn};
use aposos_formats::Epoch;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let read = read_tdm_kvn("fuzz", &text);
    let obs: Vec<_> = read.observations.iter().map(|(_, o)| o.clone()).collect();
    if let Ok(written) = write_tdm_kvn(&obs, "FUZZ", Epoch::from_ns_since_1950(0)) {
        let back: Vec<_> = read_tdm_kvn("back", &written).observations.into_iter().map(|(_, o)| o).collect();
        assert_eq!(back, obs, "{written}");
    }
});
