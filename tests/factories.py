from __future__ import annotations

import factory

from accounts.models import User
from accounts.roles import Role
from command.models import Area, MemberUnit


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    last_name = factory.Sequence(lambda n: f"测试用户{n}")
    role = Role.OFFICE
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery")

    @classmethod
    def for_role(cls, role: str, **kwargs) -> User:
        if role == Role.UNIT and "unit" not in kwargs:
            kwargs["unit"] = MemberUnit.objects.get(slug="jiaotong")
        if role == Role.COUNTY and "area" not in kwargs:
            kwargs["area"] = Area.objects.get(code="140321")
        user = cls(role=role, **kwargs)
        user.save()
        return user
