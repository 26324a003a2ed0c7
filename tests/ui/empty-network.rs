use constnet::prelude::*;

network! {
    pub struct Nothing<f32> {}
}

fn main() {
    let _ = Nothing::zeroed();
}
