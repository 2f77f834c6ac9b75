//! Fuzzes the TDM readers (KVN and XML): they never panic, and what they accept is
//! written and read back, in both forms, to the same observations.
#![no_main]

use aposos_formats::obs::tdm::{read_tdm_kvn, read_tdm_xml, write_tdm_kvn, write_tdm_xml};
use aposos_formats::Epoch;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    for read in [read_tdm_kvn("fuzz", &text), read_tdm_xml("fuzz", &text)] {
        let obs: Vec<_> = read.observations.iter().map(|(_, o)| o.clone()).collect();
        if let Ok(written) = write_tdm_kvn(&obs, "FUZZ", Epoch::from_ns_since_1950(0)) {
            let back: Vec<_> = read_tdm_kvn("back", &written).observations.into_iter().map(|(_, o)| o).collect();
            assert_eq!(back, obs, "{written}");
        }
        if let Ok(written) = write_tdm_xml(&obs, "FUZZ", Epoch::from_ns_since_1950(0)) {
            let back: Vec<_> = read_tdm_xml("back", &written).observations.into_iter().map(|(_, o)| o).collect();
            assert_eq!(back, obs, "{written}");
        }
    }
});
