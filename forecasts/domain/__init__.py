"""Pure forecast domain: AQI maths (HJ 633) and the warning rules, with no Django import."""
