"""Domain facts shared by generators and validators: identifier formats, code lists."""
